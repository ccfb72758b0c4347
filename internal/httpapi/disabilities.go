package httpapi

import (
	"net/http"

	"safetynet/internal/fault"
	"safetynet/internal/registry"
)

// disabilityResponse is a disability record. The certificate number embeds
// the holder's ID number, so it is masked like one.
type disabilityResponse struct {
	ID            int64  `json:"id"`
	PersonID      int64  `json:"person_id"`
	RegionCode    string `json:"region_code"`
	Kind          string `json:"kind" enum:"visual,hearing,speech,physical,intellectual,mental,multiple"`
	Grade         int    `json:"grade" minimum:"1" maximum:"4"`
	Severe        bool   `json:"severe" description:"grade 1 or 2"`
	CertificateNo string `json:"certificate_no,omitempty"`
	Issued        string `json:"issued" format:"date"`
	Revoked       string `json:"revoked,omitempty" format:"date"`
	Version       int64  `json:"version"`
}

func (v view) disability(d *registry.Disability) disabilityResponse {
	return disabilityResponse{
		ID: int64(d.ID), PersonID: int64(d.PersonID), RegionCode: string(d.RegionCode), Kind: string(d.Kind),
		Grade: d.Grade, Severe: d.Severe(), CertificateNo: v.identifier(d.CertificateNo),
		Issued: dateString(d.Issued), Revoked: dateString(d.Revoked), Version: d.Version,
	}
}

// disabilityRequest is the body of POST /api/v1/persons/{id}/disabilities.
type disabilityRequest struct {
	Kind          string `json:"kind" required:"true" enum:"visual,hearing,speech,physical,intellectual,mental,multiple"`
	Grade         int    `json:"grade" required:"true" minimum:"1" maximum:"4" description:"1 is the most severe"`
	CertificateNo string `json:"certificate_no,omitempty"`
	Issued        string `json:"issued" required:"true" format:"date"`
	Revoked       string `json:"revoked,omitempty" format:"date"`
}

// handleListDisabilities lists a person's disability records.
func (s *server) handleListDisabilities(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[personPageParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	ds, err := s.reg.Disabilities(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(ds, page, s.viewOf(r.Context()).disability))
	return nil
}

// handleCreateDisability records a disability certificate for a person.
func (s *server) handleCreateDisability(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[personParams, disabilityRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	d := &registry.Disability{
		PersonID: p.ID, Kind: registry.DisabilityKind(req.Kind), Grade: req.Grade,
		CertificateNo: req.CertificateNo, Issued: dateField(&pr, "issued", req.Issued), Revoked: dateField(&pr, "revoked", req.Revoked),
	}
	if err := pr.Err("invalid disability record"); err != nil {
		return err
	}
	if err := s.reg.CreateDisability(r.Context(), d); err != nil {
		return notFoundOwner(err, "person_id")
	}
	reply(w, r, http.StatusCreated, s.viewOf(r.Context()).disability(d))
	return nil
}

// notFoundOwner turns the registry's "person_id: does not exist" problem,
// which names a body field, into a 404 for the owner in the URL.
func notFoundOwner(err error, field string) error {
	if fault.CodeOf(err) == fault.Invalid {
		if msg, ok := fault.FieldsOf(err)[field]; ok && len(fault.FieldsOf(err)) == 1 {
			return fault.Wrap(fault.NotFound, err, "%s", msg)
		}
	}
	return err
}
