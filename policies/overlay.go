package policies

import (
	"errors"
	"io/fs"
	"slices"
)

// Overlay returns the policy folder of another jurisdiction: the files of
// top laid over the embedded ones. A file of top replaces the embedded
// file of the same path; a folder of top replaces the embedded folder of
// the same path whole (a prefecture's parameters/ folder is its own,
// with no embedded file left in it), and the embedded folders top lacks
// stay. So a prefecture brings its layers.yaml (e.g. [cn, gd, shaoguan])
// and its own layer folders, and keeps the national layer built in.
func Overlay(top fs.FS) fs.FS { return overlay{top: top, base: FS} }

type overlay struct{ top, base fs.FS }

// Open opens name in top if it is there, else in base.
func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	return o.base.Open(name)
}

// ReadDir lists a folder of top when top has it, else base's; the root
// is the union of both.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	top, err := fs.ReadDir(o.top, name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err == nil && name != "." {
		return top, nil
	}
	base, berr := fs.ReadDir(o.base, name)
	if berr != nil {
		if err == nil {
			return top, nil
		}
		return nil, berr
	}
	seen := map[string]bool{}
	for _, d := range top {
		seen[d.Name()] = true
	}
	out := slices.Clone(top)
	for _, d := range base {
		if !seen[d.Name()] {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int {
		switch {
		case a.Name() < b.Name():
			return -1
		case a.Name() > b.Name():
			return 1
		}
		return 0
	})
	return out, nil
}
