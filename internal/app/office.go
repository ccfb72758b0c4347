package app

import (
	"io/fs"

	"safetynet/internal/matters"
	"safetynet/internal/region"
)

// LoadOffice reads the front office's data from the policy folder fsys
// (policies.FS, or the operator's overlay): the catalogue of matters and
// the service points of the policy package's most specific layer, checked
// against the jurisdiction's region tree, and the working-day calendar. An
// error names the file, the matter or point and the field, and is meant to
// stop the server at start. The services that stand on the office (the
// ratings) are given it.
func (a *App) LoadOffice(fsys fs.FS) (*matters.Office, error) {
	off, err := matters.LoadOffice(fsys, a.Policy.Layers[len(a.Policy.Layers)-1], a.Juris.Tree)
	if err != nil {
		return nil, err
	}
	a.Ratings.UseOffice(off)
	return off, nil
}

// counter names the counter where a citizen of county registers a phone:
// the social-insurance windows of the county's service hall.
func (a *App) counter(county region.Code) (id, name string) {
	off, err := a.FrontOffice.Office()
	if err != nil || off == nil || off.Points == nil {
		return "", ""
	}
	pt, ok := off.Points.Point("hall-" + string(county))
	if !ok {
		return "", ""
	}
	return pt.ID, pt.Name.ZH
}
