package app

import (
	"io/fs"

	"safetynet/internal/matters"
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
