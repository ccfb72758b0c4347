package docs

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// root is the repository root, relative to this package's directory.
const root = ".."

// mdLink matches the target of an inline Markdown link or image,
// [text](target) or [text](target "title").
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// codeSpan matches an inline code span, `...`: what it holds is code,
// such as bind[T](r), not a link.
var codeSpan = regexp.MustCompile("`[^`]*`")

// markdownFiles returns every .md file of the repository, as paths
// relative to root.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestMarkdownLinksResolve checks that every relative link in README.md,
// docs/*.md and the repository's other Markdown files names a file or
// directory that exists in the repository. Links to web pages and to
// anchors of the same page are not checked.
func TestMarkdownLinksResolve(t *testing.T) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	files := markdownFiles(t)
	for _, want := range []string{"README.md", "docs/architecture.md", "docs/domain.md", "docs/conventions.md"} {
		if !slices.Contains(files, filepath.Join(root, want)) {
			t.Errorf("%s is missing", want)
		}
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		fence := false
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				fence = !fence
				continue
			}
			if fence {
				continue
			}
			for _, m := range mdLink.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, "``"), -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "#") {
					continue
				}
				target, _, _ = strings.Cut(target, "#")
				path := filepath.Join(filepath.Dir(file), filepath.FromSlash(target))
				abs, err := filepath.Abs(path)
				if err != nil {
					t.Fatal(err)
				}
				if rel, err := filepath.Rel(absRoot, abs); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
					t.Errorf("%s:%d: link %q leaves the repository", file, n, m[1])
					continue
				}
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s:%d: link %q does not resolve: %v", file, n, m[1], err)
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		f.Close()
	}
}

// mdName matches the name of a Markdown file cited in a line, and
// upPath a relative path that climbs out of its folder.
var (
	mdName = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_-]*\.md\b`)
	upPath = regexp.MustCompile("(?:^|[\\s\"'(`])((?:\\.\\./)+[A-Za-z0-9_.-]+)")
)

// TestNoCitationOutsideRepository checks that no Go file, YAML file or
// Markdown file of the repository cites notes outside it: every Markdown
// file it names exists in the repository, and no relative path climbs out
// of it. Migrations already merged are never edited, so the comments of
// those files are left as they are.
func TestNoCitationOutsideRepository(t *testing.T) {
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".md" {
			known[d.Name()] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if (strings.HasPrefix(d.Name(), ".") && path != root) || d.Name() == "migrations" {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".yaml", ".yml", ".md", ".sh":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir, err := filepath.Abs(filepath.Dir(path))
		if err != nil {
			return err
		}
		for n, line := range strings.Split(string(b), "\n") {
			for _, name := range mdName.FindAllString(line, -1) {
				if !known[name] {
					t.Errorf("%s:%d cites %s, which is not in the repository; cite docs/ instead", path, n+1, name)
				}
			}
			for _, m := range upPath.FindAllStringSubmatch(line, -1) {
				up := m[1]
				target := filepath.Join(dir, up)
				rel, err := filepath.Rel(abs, target)
				_, missing := os.Stat(target)
				if err != nil || strings.HasPrefix(rel, "..") || missing != nil {
					t.Errorf("%s:%d cites %s, which is not in the repository; cite docs/ instead", path, n+1, up)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
