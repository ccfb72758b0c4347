package crossprov

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
)

var (
	testSender   = Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}
	testReceiver = Party{Province: "650000", Prefecture: "652300", Agency: "65230001"}
)

// validDoc is a funds notice as the counterpart sends it.
func validDoc(t testing.TB) []byte {
	t.Helper()
	id, err := ids.MakeResidentID("652301", period.MustDate(1980, time.March, 5), 11)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMessage(KindFundsNotice, testSender, testReceiver, Person{IDNumber: id, Name: "张三"}, "0123456789abcdef",
		time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC), &FundsNotice{On: period.MustDate(2026, 11, 20), Balance: 120050, Pooled: 0, Months: 12})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestDecodeRoundTrip: what Encode writes, Decode reads back.
func TestDecodeRoundTrip(t *testing.T) {
	doc := validDoc(t)
	m, err := Decode(doc)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	v, err := m.Decoded()
	if err != nil {
		t.Fatal(err)
	}
	n, ok := v.(*FundsNotice)
	if !ok || n.Balance != 120050 || n.Months != 12 || m.Kind != KindFundsNotice || m.Sender != testSender || m.CorrelationID != "0123456789abcdef" {
		t.Errorf("decoded %+v, payload %+v", m, v)
	}
}

// TestDecodeNamesTheField: each defect is refused naming its field.
func TestDecodeNamesTheField(t *testing.T) {
	base := validDoc(t)
	edit := func(fn func(map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(base, &m); err != nil {
			t.Fatal(err)
		}
		fn(m)
		b, _ := json.Marshal(m)
		return b
	}
	payload := func(m map[string]any) map[string]any { return m["payload"].(map[string]any) }
	for _, tc := range []struct {
		field string
		doc   []byte
	}{
		{"message", []byte(`[1,2]`)},
		{"message", []byte(`{"id":"x"} {"id":"y"}`)},
		{"version", edit(func(m map[string]any) { m["version"] = "crossprov/2" })},
		{"id", edit(func(m map[string]any) { delete(m, "id") })},
		{"id", edit(func(m map[string]any) { m["id"] = "outbox/abcdef0123" })},
		{"kind", edit(func(m map[string]any) { m["kind"] = "transfer" })},
		{"sender.province", edit(func(m map[string]any) { m["sender"].(map[string]any)["province"] = "110100" })},
		{"receiver.prefecture", edit(func(m map[string]any) { m["receiver"].(map[string]any)["prefecture"] = "110100" })},
		{"person.id_number", edit(func(m map[string]any) { m["person"].(map[string]any)["id_number"] = "652301198003051234" })},
		{"person.name", edit(func(m map[string]any) { delete(m["person"].(map[string]any), "name") })},
		{"sent_at", edit(func(m map[string]any) { m["sent_at"] = "yesterday" })},
		{"correlation_id", edit(func(m map[string]any) { delete(m, "correlation_id") })},
		{"extra", edit(func(m map[string]any) { m["extra"] = true })},
		{"payload.balance", edit(func(m map[string]any) { payload(m)["balance"] = 1200.5 })},
		{"payload.balance", edit(func(m map[string]any) { payload(m)["balance"] = "1200.50" })},
		{"payload.balance", edit(func(m map[string]any) { payload(m)["balance"] = 1e30 })},
		{"payload.pooled", edit(func(m map[string]any) { payload(m)["pooled"] = -1 })},
		{"payload.months", edit(func(m map[string]any) { delete(payload(m), "months") })},
		{"payload.on", edit(func(m map[string]any) { payload(m)["on"] = "2026-02-30" })},
		{"payload.bonus", edit(func(m map[string]any) { payload(m)["bonus"] = 1 })},
		{"payload", edit(func(m map[string]any) { m["payload"] = "none" })},
		{"kind", []byte(strings.Replace(string(base), `"kind"`, `"kind": "ack", "kind"`, 1))},
	} {
		_, err := Decode(tc.doc)
		if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)[tc.field] == "" {
			t.Errorf("%s: Decode = %v (fields %v), want the field named", tc.field, err, fault.FieldsOf(err))
		}
	}
}

// FuzzDecode: whatever the input, Decode returns a message or an Invalid
// error naming a field, never panics, and a message it accepts encodes
// to a document it accepts again with the same amounts.
func FuzzDecode(f *testing.F) {
	f.Add(validDoc(f))
	f.Add([]byte(`{"version":"crossprov/1"}`))
	f.Add([]byte(`{"payload":{"balance":1e3}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := Decode(doc)
		if err != nil {
			if fault.CodeOf(err) != fault.Invalid || len(fault.FieldsOf(err)) == 0 {
				t.Fatalf("error %v is not Invalid with fields", err)
			}
			return
		}
		v, err := m.Decoded()
		if err != nil {
			t.Fatalf("accepted message's payload: %v", err)
		}
		again, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded message refused: %v", err)
		}
		v2, _ := m2.Decoded()
		if n, ok := v.(*FundsNotice); ok {
			if n2 := v2.(*FundsNotice); n.Balance != n2.Balance || n.Balance <= 0 || n.Pooled != n2.Pooled {
				t.Fatalf("amounts changed: %+v → %+v", n, n2)
			}
		}
	})
}
