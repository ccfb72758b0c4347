// Package docs holds the project's documentation as Markdown files
// (architecture.md, domain.md, conventions.md and the design notes of each
// area). Its only Go code is the test that every relative link in the
// repository's Markdown resolves and that nothing cites notes kept outside
// the repository.
package docs
