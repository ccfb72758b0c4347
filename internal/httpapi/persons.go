package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// personResponse is a person as the API shows it. The ID number and the
// phone are masked unless the caller's role may see personal data.
type personResponse struct {
	ID int64 `json:"id"`
	// IDNumber is the 18-digit resident ID, masked (e.g.
	// 652301********123X) unless the role may see personal data.
	IDNumber string `json:"id_number" example:"652301********0015"`
	Name     string `json:"name" example:"王芳"`
	Gender   string `json:"gender" enum:"M,F"`
	// BirthDate is shown only to roles that may see personal data: with
	// the region and the visible last digits it would give the masked ID
	// number away.
	BirthDate string `json:"birth_date,omitempty" format:"date"`
	// Age is in whole years today, or at death for the dead.
	Age         int    `json:"age"`
	Alive       bool   `json:"alive"`
	Ethnicity   string `json:"ethnicity" example:"han"`
	HukouType   string `json:"hukou_type" enum:"urban,rural"`
	HukouRegion string `json:"hukou_region,omitempty"`
	RegionCode  string `json:"region_code" example:"652301001001"`
	RegionName  string `json:"region_name,omitempty"`
	Phone       string `json:"phone,omitempty" example:"138****5678"`
	Address     string `json:"address,omitempty"`
	DeathDate   string `json:"death_date,omitempty" format:"date"`
	DeathSource string `json:"death_source,omitempty"`
	// Version is the optimistic-lock version to send back with a PATCH.
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// person builds the response for p.
func (v view) person(p *registry.Person, regionName string) personResponse {
	age := period.AgeAt(p.BirthDate(), v.today)
	if !p.Alive() {
		age = period.AgeAt(p.BirthDate(), p.DeathDate)
	}
	return personResponse{
		ID:          int64(p.ID),
		IDNumber:    v.idNumber(p.IDNumber),
		Name:        p.Name,
		Gender:      p.Gender().String(),
		BirthDate:   v.birthDate(p.BirthDate()),
		Age:         age,
		Alive:       p.Alive(),
		Ethnicity:   p.Ethnicity,
		HukouType:   string(p.HukouType),
		HukouRegion: string(p.HukouRegion),
		RegionCode:  string(p.RegionCode),
		RegionName:  regionName,
		Phone:       v.phone(p.Phone),
		Address:     p.Address,
		DeathDate:   dateString(p.DeathDate),
		DeathSource: p.DeathSource,
		Version:     p.Version,
		CreatedAt:   p.CreatedAt,
		UpdatedAt:   p.UpdatedAt,
	}
}

// personRequest is the body of POST /api/v1/persons.
type personRequest struct {
	// IDNumber is the resident ID: 18 characters, or a legacy 15-digit
	// number, which is upgraded. It is validated by the registry.
	IDNumber  string `json:"id_number" required:"true" example:"652301199001010015"`
	Name      string `json:"name" required:"true" example:"王芳"`
	Ethnicity string `json:"ethnicity" required:"true" example:"han"`
	HukouType string `json:"hukou_type" required:"true" enum:"urban,rural"`
	// HukouRegion is where the household is registered, if known.
	HukouRegion string `json:"hukou_region,omitempty" example:"652301"`
	// RegionCode is where the person lives, down to village or community.
	RegionCode string `json:"region_code" required:"true" example:"652301001001"`
	Phone      string `json:"phone,omitempty" example:"13800005678"`
	Address    string `json:"address,omitempty"`
}

// person converts the request; the registry validates it.
func (q personRequest) person() *registry.Person {
	return &registry.Person{
		IDNumber:    ids.ResidentID(q.IDNumber),
		Name:        q.Name,
		Ethnicity:   q.Ethnicity,
		HukouType:   registry.HukouType(q.HukouType),
		HukouRegion: region.Code(q.HukouRegion),
		RegionCode:  region.Code(q.RegionCode),
		Phone:       q.Phone,
		Address:     q.Address,
	}
}

// personPatch is the body of PATCH /api/v1/persons/{id}: the fields to
// change, and the version read. An absent field is left as it is; "" clears
// an optional one. Deaths are recorded with POST .../death. A change of
// name or ID number (who the person is) is sent alone with its reason: it
// answers 202 with a pending identity change request, applied when a
// second user with the approval permission confirms it.
type personPatch struct {
	// Version is the version last read; a stale one is a 409.
	Version  *int64  `json:"version" required:"true"`
	IDNumber *string `json:"id_number,omitempty" description:"a change is an identity change request (202), sent alone with its reason"`
	Name     *string `json:"name,omitempty" description:"a change is an identity change request (202), sent alone with its reason"`
	// Reason is why the name or ID number changes and the evidence seen
	// (e.g. the page of the hukou booklet); required with such a change.
	Reason      *string `json:"reason,omitempty"`
	Ethnicity   *string `json:"ethnicity,omitempty"`
	HukouType   *string `json:"hukou_type,omitempty" enum:"urban,rural"`
	HukouRegion *string `json:"hukou_region,omitempty"`
	RegionCode  *string `json:"region_code,omitempty"`
	Phone       *string `json:"phone,omitempty"`
	Address     *string `json:"address,omitempty"`
}

// Patch applies the fields present in u to p.
func (u personPatch) Patch(p *registry.Person) {
	if u.IDNumber != nil {
		p.IDNumber = ids.ResidentID(*u.IDNumber)
	}
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Ethnicity != nil {
		p.Ethnicity = *u.Ethnicity
	}
	if u.HukouType != nil {
		p.HukouType = registry.HukouType(*u.HukouType)
	}
	if u.HukouRegion != nil {
		p.HukouRegion = region.Code(*u.HukouRegion)
	}
	if u.RegionCode != nil {
		p.RegionCode = region.Code(*u.RegionCode)
	}
	if u.Phone != nil {
		p.Phone = *u.Phone
	}
	if u.Address != nil {
		p.Address = *u.Address
	}
}

// deathRequest is the body of POST /api/v1/persons/{id}/death.
type deathRequest struct {
	DeathDate string `json:"death_date" required:"true" format:"date"`
	// Source is where the death record comes from.
	Source string `json:"source" required:"true" enum:"public_security,civil_affairs_funeral,health,family_report,court"`
}

// personParams are the parameters of a person's URL.
type personParams struct {
	ID registry.PersonID `path:"id" minimum:"1"`
}

// personPageParams name a person and a page of their records.
type personPageParams struct {
	personParams
	pageParams
}

// personListParams are the filters of GET /api/v1/persons.
type personListParams struct {
	Region   region.Code `query:"region" description:"division code: persons living in that subtree; default your whole scope"`
	IDNumber string      `query:"id_number" description:"exact resident ID (15 or 18 digits)"`
	Name     string      `query:"name" description:"names starting with this text"`
	Alive    bool        `query:"alive" description:"true leaves out the dead"`
	pageParams
}

// pageParams are the keyset pagination parameters of every list.
type pageParams struct {
	After int64 `query:"after" minimum:"0" description:"next_after of the previous page"`
	Limit int   `query:"limit" minimum:"1" maximum:"500" default:"50"`
}

// bindQuery reads ?after= (a key, 0 or more) and ?limit= (1 to 500, 50 by
// default).
func (p *pageParams) bindQuery(q url.Values, pr *fault.Problems) {
	p.After, p.Limit = 0, defaultLimit
	if s := q.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			pr.Add("after", "must be a non-negative integer: the next_after of the previous page")
		}
		p.After = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			pr.Add("limit", "must be an integer from 1 to %d", maxLimit)
		}
		p.Limit = n
	}
}

// page is the page to fetch: its Limit is the page's size and one more, by
// which newList tells whether more remain.
func (p pageParams) page() registry.Page {
	return registry.Page{After: p.After, Limit: p.Limit + 1}
}

func personKey(p *registry.Person) int64 { return int64(p.ID) }

// handleListPersons lists persons in the caller's scope.
func (s *server) handleListPersons(w http.ResponseWriter, r *http.Request) error {
	in, err := bind[personListParams](r)
	if err != nil {
		return err
	}
	f := registry.PersonFilter{Region: in.Region, IDNumber: in.IDNumber, Name: in.Name,
		Alive: in.Alive, Page: in.page()}
	ps, err := s.reg.Persons(r.Context(), f)
	if err != nil {
		return err
	}
	codes := make([]region.Code, len(ps))
	for i, p := range ps {
		codes[i] = p.RegionCode
	}
	names, err := s.regionNames(r.Context(), codes...)
	if err != nil {
		return err
	}
	v := s.viewOf(r.Context())
	reply(w, r, http.StatusOK, newList(ps, f.Limit, personKey, func(p *registry.Person) personResponse {
		return v.person(p, names[p.RegionCode])
	}))
	return nil
}

// replyPerson writes p with its region's name.
func (s *server) replyPerson(w http.ResponseWriter, r *http.Request, status int, p *registry.Person) error {
	names, err := s.regionNames(r.Context(), p.RegionCode)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/persons/"+strconv.FormatInt(int64(p.ID), 10))
	}
	reply(w, r, status, s.viewOf(r.Context()).person(p, names[p.RegionCode]))
	return nil
}

// handleCreatePerson registers a person.
func (s *server) handleCreatePerson(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[personRequest](r)
	if err != nil {
		return err
	}
	p := req.person()
	if err := s.reg.CreatePerson(r.Context(), p); err != nil {
		return err
	}
	return s.replyPerson(w, r, http.StatusCreated, p)
}

// handleGetPerson returns a person; the registry records the read.
func (s *server) handleGetPerson(w http.ResponseWriter, r *http.Request) error {
	in, err := bind[personParams](r)
	if err != nil {
		return err
	}
	p, err := s.reg.Person(r.Context(), in.ID)
	if err != nil {
		return err
	}
	return s.replyPerson(w, r, http.StatusOK, p)
}

// handlePatchPerson changes a person if the version sent is current; a
// change of name or ID number answers 202 with the identity change request
// it makes.
func (s *server) handlePatchPerson(w http.ResponseWriter, r *http.Request) error {
	in, req, version, err := versioned[personParams, personPatch](r, "invalid person", nil)
	if err != nil {
		return err
	}
	var reason string
	if req.Reason != nil {
		reason = *req.Reason
	}
	p, c, err := s.reg.PatchPerson(r.Context(), in.ID, version, reason, req.Patch)
	switch {
	case err != nil:
		return err
	case c != nil:
		return s.replyIdentityChange(w, r, c)
	default:
		return s.replyPerson(w, r, http.StatusOK, p)
	}
}

// handleRecordDeath records a person's death.
func (s *server) handleRecordDeath(w http.ResponseWriter, r *http.Request) error {
	in, req, err := bindBody[personParams, deathRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	date := dateField(&pr, "death_date", req.DeathDate)
	if err := pr.Err("invalid death record"); err != nil {
		return err
	}
	p, err := s.reg.RecordDeath(r.Context(), in.ID, date, req.Source)
	if err != nil {
		return err
	}
	return s.replyPerson(w, r, http.StatusOK, p)
}
