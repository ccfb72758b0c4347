package registry

import (
	_ "embed"
	"fmt"
	"sync"

	"go.yaml.in/yaml/v3"

	"safetynet/internal/period"
)

// banksYAML is the reference table of the banks benefits are paid through.
//
//go:embed banks.yaml
var banksYAML []byte

// Bank is one entry of the reference table of banks (banks.yaml): a code
// accepted from From until Until (zero: still in effect).
type Bank struct {
	Code   string      `json:"code"`
	Name   string      `json:"name"`
	CNAPS  string      `json:"cnaps"`
	From   period.Date `json:"from"`
	Until  period.Date `json:"until,omitzero"`
	Source string      `json:"source"`
	Status string      `json:"status"`
}

// loadBanks parses the embedded table once.
var loadBanks = sync.OnceValues(func() ([]Bank, error) {
	var doc struct {
		Banks []struct {
			Code, Name, CNAPS, From, Until, Source, Status string
		} `yaml:"banks"`
	}
	if err := yaml.Unmarshal(banksYAML, &doc); err != nil {
		return nil, fmt.Errorf("banks.yaml: %w", err)
	}
	out := make([]Bank, 0, len(doc.Banks))
	seen := map[string]bool{}
	for i, b := range doc.Banks {
		from, err := period.ParseDate(b.From)
		if err != nil {
			return nil, fmt.Errorf("banks.yaml: bank %d (%s): from: %w", i+1, b.Code, err)
		}
		var until period.Date
		if b.Until != "" {
			if until, err = period.ParseDate(b.Until); err != nil {
				return nil, fmt.Errorf("banks.yaml: bank %d (%s): until: %w", i+1, b.Code, err)
			}
		}
		if b.Code == "" || b.Name == "" || b.Source == "" {
			return nil, fmt.Errorf("banks.yaml: bank %d: code, name and source are required", i+1)
		}
		if seen[b.Code] {
			return nil, fmt.Errorf("banks.yaml: bank %s is listed twice", b.Code)
		}
		seen[b.Code] = true
		out = append(out, Bank{Code: b.Code, Name: b.Name, CNAPS: b.CNAPS, From: from, Until: until, Source: b.Source, Status: b.Status})
	}
	return out, nil
})

// Banks returns the reference table of banks, in file order.
func Banks() ([]Bank, error) {
	bs, err := loadBanks()
	return append([]Bank(nil), bs...), err
}

// BankOn returns the bank of code in effect on day, and whether there is
// one.
func BankOn(code string, day period.Date) (Bank, bool) {
	bs, err := loadBanks()
	if err != nil {
		return Bank{}, false
	}
	for _, b := range bs {
		if b.Code == code && b.From <= day && (b.Until.IsZero() || day < b.Until) {
			return b, true
		}
	}
	return Bank{}, false
}

// KnownBank reports whether code is in the reference table of banks at
// any date: a bank retired since still has its pending payments to make.
func KnownBank(code string) bool {
	bs, err := loadBanks()
	if err != nil {
		return false
	}
	for _, b := range bs {
		if b.Code == code {
			return true
		}
	}
	return false
}
