package matters

import (
	"errors"
	"fmt"
	"io/fs"

	"safetynet/internal/region"
	"safetynet/internal/workday"
)

// Office is the data the front office stands on: the catalogue of
// matters, the service points and the working-day calendar.
type Office struct {
	Catalogue *Catalogue
	Points    *Points
	Calendar  *workday.Calendar
}

// The files of a policy folder the office is read from: the catalogue and
// the points in the most specific layer's folder, the calendar (national)
// in cn/calendar.
const (
	officeCatalogueFile = "matters.yaml"
	officePointsFile    = "service_points.yaml"
	officeCalendarDir   = "cn/calendar"
)

// LoadOffice reads the office from a policy folder: layer/matters.yaml,
// layer/service_points.yaml (with the region tree) and cn/calendar/*.yaml.
// An unknown action, channel, department, material or region, or a count
// of points off the published one, is an error naming the file, the item
// and the field.
//
// A layer with no matters.yaml (another jurisdiction that has not written
// its catalogue yet) has no front office: the catalogue and the points are
// empty, and the calendar is still read.
func LoadOffice(fsys fs.FS, layer string, tree *region.Tree) (*Office, error) {
	cal, err := workday.Load(fsys, officeCalendarDir)
	if err != nil {
		return nil, fmt.Errorf("load the working-day calendar: %w", err)
	}
	if _, err := fs.Stat(fsys, layer+"/"+officeCatalogueFile); errors.Is(err, fs.ErrNotExist) {
		cat := &Catalogue{file: layer + "/" + officeCatalogueFile, byID: map[string]int{}}
		return &Office{Catalogue: cat, Points: &Points{byID: map[string]int{}, cat: cat}, Calendar: cal}, nil
	}
	cat, err := Load(fsys, layer+"/"+officeCatalogueFile)
	if err != nil {
		return nil, err
	}
	pts, err := LoadPoints(fsys, layer+"/"+officePointsFile, tree, cat)
	if err != nil {
		return nil, err
	}
	return &Office{Catalogue: cat, Points: pts, Calendar: cal}, nil
}
