package httpapi

import (
	"net/http"

	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// regionResponse is a node of the region tree (GB/T 2260 division).
type regionResponse struct {
	Code           string `json:"code" example:"652301"`
	Parent         string `json:"parent,omitempty" example:"652300"`
	Level          string `json:"level" enum:"province,prefecture,county,township,village"`
	NameZH         string `json:"name_zh" example:"昌吉市"`
	NameEN         string `json:"name_en,omitempty" example:"Changji City"`
	Kind           string `json:"kind,omitempty" example:"county_level_city"`
	Population2010 int    `json:"population_2010,omitempty"`
	// Children are the node's children, on GET /api/v1/regions/{code}
	// only.
	Children []regionResponse `json:"children,omitempty"`
}

func regionOf(n region.Node) regionResponse {
	return regionResponse{Code: string(n.Code), Parent: string(n.Parent), Level: n.Level.String(), NameZH: n.NameZH,
		NameEN: n.NameEN, Kind: n.Kind, Population2010: n.Population2010}
}

// regionListOf lists nodes, all of them.
func regionListOf(ns []region.Node) listResponse[regionResponse] {
	out := listResponse[regionResponse]{Items: make([]regionResponse, 0, len(ns))}
	for _, n := range ns {
		out.Items = append(out.Items, regionOf(n))
	}
	return out
}

// regionRequest is the body of POST /api/v1/regions. The parent and level
// follow from the code.
type regionRequest struct {
	Code           string `json:"code" required:"true" example:"652301001003"`
	NameZH         string `json:"name_zh" required:"true"`
	NameEN         string `json:"name_en,omitempty"`
	Kind           string `json:"kind,omitempty" example:"community"`
	Population2010 int    `json:"population_2010,omitempty" minimum:"0"`
}

// regionPatch is the body of PATCH /api/v1/regions/{code}: a rename.
type regionPatch struct {
	NameZH *string `json:"name_zh,omitempty"`
	NameEN *string `json:"name_en,omitempty"`
}

// Patch applies the fields present in u to n.
func (u regionPatch) Patch(n *region.Node) {
	if u.NameZH != nil {
		n.NameZH = *u.NameZH
	}
	if u.NameEN != nil {
		n.NameEN = *u.NameEN
	}
}

// regionParams are the parameters of a region's URL.
type regionParams struct {
	Code region.Code `path:"code" pattern:"^[0-9]{6}([0-9]{3}){0,2}$"`
}

// regionListParams are the parameters of GET /api/v1/regions.
type regionListParams struct {
	Parent region.Code `query:"parent" description:"list this node's children; without it, the top of the tree"`
	pageParams
}

// handleListRegions lists the children of ?parent=, or the top-level
// nodes.
func (s *server) handleListRegions(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[regionListParams](r)
	if err != nil {
		return err
	}
	parent, page := p.Parent, p.page()
	ns, err := s.reg.Regions(r.Context(), parent)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(ns, page, regionOf))
	return nil
}

// handleGetRegion returns a node with its children.
func (s *server) handleGetRegion(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[regionParams](r)
	if err != nil {
		return err
	}
	n, err := s.reg.Region(r.Context(), p.Code)
	if err != nil {
		return err
	}
	children, err := s.reg.Regions(r.Context(), p.Code)
	if err != nil {
		return err
	}
	out := regionOf(n)
	out.Children = regionListOf(children).Items
	reply(w, r, http.StatusOK, out)
	return nil
}

// handleCreateRegion adds a node under an existing parent.
func (s *server) handleCreateRegion(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[regionRequest](r)
	if err != nil {
		return err
	}
	n := region.Node{Code: region.Code(req.Code), NameZH: req.NameZH, NameEN: req.NameEN, Kind: req.Kind, Population2010: req.Population2010}
	if err := s.reg.CreateRegion(r.Context(), n); err != nil {
		return err
	}
	n, err = s.reg.Region(r.Context(), n.Code)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/regions/"+string(n.Code))
	reply(w, r, http.StatusCreated, regionOf(n))
	return nil
}

// handlePatchRegion renames a node.
func (s *server) handlePatchRegion(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[regionParams, regionPatch](r)
	if err != nil {
		return err
	}
	if req.NameZH == nil && req.NameEN == nil {
		return &fault.Error{Code: fault.Invalid, Message: "nothing to change",
			Fields: map[string]string{"name_zh": "send name_zh, name_en or both"}}
	}
	n, err := s.reg.Region(r.Context(), p.Code)
	if err != nil {
		return err
	}
	req.Patch(&n)
	n, err = s.reg.UpdateRegion(r.Context(), p.Code, n.NameZH, n.NameEN)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, regionOf(n))
	return nil
}
