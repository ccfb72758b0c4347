package policies

import (
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
)

func TestOverlay(t *testing.T) {
	top := fstest.MapFS{
		"layers.yaml":                    {Data: []byte("layers: [cn, shaoguan]\n")},
		"shaoguan/parameters/dibao.yaml": {Data: []byte("# own\n")},
		"cn/programmes/extra.yaml":       {Data: []byte("# replaces cn/programmes\n")},
	}
	o := Overlay(top)
	if b, err := fs.ReadFile(o, "layers.yaml"); err != nil || string(b) != "layers: [cn, shaoguan]\n" {
		t.Errorf("layers.yaml = %q, %v; want the overlay's", b, err)
	}
	names := func(dir string) []string {
		t.Helper()
		es, err := fs.ReadDir(o, dir)
		if err != nil {
			t.Fatalf("ReadDir(%s): %v", dir, err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	root := names(".")
	for _, want := range []string{"cn", "xj", "changji", "shaoguan", "entities.yaml", "layers.yaml"} {
		if !slices.Contains(root, want) {
			t.Errorf("root %v lacks %s", root, want)
		}
	}
	if !slices.IsSorted(root) {
		t.Errorf("root %v is not sorted", root)
	}
	if got := names("cn/programmes"); !slices.Equal(got, []string{"extra.yaml"}) {
		t.Errorf("cn/programmes = %v, want the overlay's folder whole", got)
	}
	if got := names("cn/parameters"); len(got) == 0 {
		t.Error("cn/parameters: the built-in folder the overlay lacks is gone")
	}
	if m, _ := fs.Glob(o, "shaoguan/parameters/*.yaml"); !slices.Equal(m, []string{"shaoguan/parameters/dibao.yaml"}) {
		t.Errorf("Glob shaoguan/parameters = %v", m)
	}
}
