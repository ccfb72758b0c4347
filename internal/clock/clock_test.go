package clock

import (
	"testing"
	"time"

	"safetynet/internal/period"
)

func TestTodayIsTheDateInTheZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// 17:30 UTC on 30 June is already 1 July in China.
	at := time.Date(2025, time.June, 30, 17, 30, 0, 0, time.UTC)
	c := Fixed(at, shanghai)
	want, _ := period.NewDate(2025, time.July, 1)
	if got := c.Today(); got != want {
		t.Errorf("Today() = %v, want %v", got, want)
	}
	if got := Fixed(at, time.UTC).Today(); got == want {
		t.Errorf("Today() in UTC = %v, want 30 June", got)
	}
	if !c.Now().Equal(at) {
		t.Errorf("Now() = %v, want %v", c.Now(), at)
	}
}

func TestSteppingClock(t *testing.T) {
	now := time.Date(2026, time.January, 1, 2, 0, 0, 0, time.UTC)
	c := New(func() time.Time { return now }, time.UTC)
	now = now.Add(48 * time.Hour)
	want, _ := period.NewDate(2026, time.January, 3)
	if got := c.Today(); got != want {
		t.Errorf("Today() after a step = %v, want %v", got, want)
	}
}

func TestZeroClockPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("the zero Clock told the time")
		}
	}()
	var c Clock
	c.Now()
}
