package sqlstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// The packed form of a means test's members (means_tests.member_data), what
// the classification of the whole prefecture reads instead of the member
// rows: a version byte, then per member the person ID (uvarint), the birth
// date (varint, days as period.Date), the disability grade (a byte), flags
// (a byte: local registration, urban registration, unable to work, has a
// supporter, monitored), the self-care capacity (a byte: 0 able, 1 partly
// unable, 2 unable) and the own monthly income in fen (uvarint). The member
// rows stay the record; this is derived from them when the test is saved.
const memberPackVersion = 1

const (
	flagLocal = 1 << iota
	flagUrban
	flagUnable
	flagSupporter
	flagMonitored
)

var selfCares = []assistance.SelfCare{assistance.SelfCareAble, assistance.SelfCarePartlyUnable, assistance.SelfCareUnable}

// packMembers encodes ms.
func packMembers(ms []assistance.Member) []byte {
	b := make([]byte, 1, 1+len(ms)*24)
	b[0] = memberPackVersion
	for _, m := range ms {
		b = binary.AppendUvarint(b, uint64(m.PersonID))
		b = binary.AppendVarint(b, int64(m.BirthDate))
		b = append(b, byte(m.DisabilityGrade))
		var f byte
		if m.HukouLocal {
			f |= flagLocal
		}
		if m.HukouType == registry.HukouUrban {
			f |= flagUrban
		}
		if m.UnableToWork {
			f |= flagUnable
		}
		if m.HasSupporter {
			f |= flagSupporter
		}
		if m.Monitored {
			f |= flagMonitored
		}
		sc := byte(0)
		for i, x := range selfCares {
			if m.SelfCare == x {
				sc = byte(i)
			}
		}
		b = append(b, f, sc)
		b = binary.AppendUvarint(b, uint64(max(m.OwnIncome, 0)))
	}
	return b
}

var errPacked = errors.New("damaged packed members")

// maxBirth bounds the birth dates a packed member may hold.
var maxBirth = period.MustDate(9999, time.December, 31)

// unpackMembers decodes what packMembers encoded, appending to dst.
func unpackMembers(dst []assistance.Member, b []byte) ([]assistance.Member, error) {
	if len(b) == 0 || b[0] != memberPackVersion {
		return dst, fmt.Errorf("%w: unknown version", errPacked)
	}
	b = b[1:]
	for len(b) > 0 {
		var m assistance.Member
		id, n := binary.Uvarint(b)
		if n <= 0 || id == 0 || id > 1<<62 {
			return dst, fmt.Errorf("%w: person id", errPacked)
		}
		b = b[n:]
		birth, n := binary.Varint(b)
		if n <= 0 || birth <= 0 || birth > int64(maxBirth) {
			return dst, fmt.Errorf("%w: birth date of person %d", errPacked, id)
		}
		b = b[n:]
		if len(b) < 3 {
			return dst, fmt.Errorf("%w: person %d cut short", errPacked, id)
		}
		grade, f, sc := b[0], b[1], b[2]
		b = b[3:]
		if grade > 4 || int(sc) >= len(selfCares) || f>>5 != 0 {
			return dst, fmt.Errorf("%w: person %d has a bad grade, self-care or flags", errPacked, id)
		}
		income, n := binary.Uvarint(b)
		if n <= 0 || income > 1<<62 {
			return dst, fmt.Errorf("%w: income of person %d", errPacked, id)
		}
		b = b[n:]
		m.PersonID, m.BirthDate, m.DisabilityGrade = registry.PersonID(id), period.Date(birth), int(grade)
		m.HukouLocal, m.UnableToWork, m.HasSupporter, m.Monitored = f&flagLocal != 0, f&flagUnable != 0, f&flagSupporter != 0, f&flagMonitored != 0
		m.HukouType = registry.HukouRural
		if f&flagUrban != 0 {
			m.HukouType = registry.HukouUrban
		}
		m.SelfCare, m.OwnIncome = selfCares[sc], money.Fen(income)
		dst = append(dst, m)
	}
	return dst, nil
}
