package console

import (
	"net/http"

	"safetynet/internal/auth"
)

// routes registers every page. Each area keeps its pages in its own file
// and registers them here with one line.
func (c *Console) routes() {
	c.mux.HandleFunc("GET /static/", c.handleStatic)
	c.handlePublic("GET /login", c.handleSignInForm)
	c.handlePublic("POST /login", c.handleSignIn)
	c.handlePublic("GET /lang/{lang}", c.handleLanguage)
	c.handle("POST /logout", c.handleSignOut)
	c.handle("GET /{$}", c.handleHome)
	c.handle("GET /persons", c.handlePersons, auth.PermRegistryRead)
	c.personRoutes()
	c.insuranceRoutes()
	c.assistanceRoutes()
	c.screeningRoutes()
	c.paymentRoutes()
	c.monitoringRoutes()
	c.auditRoutes()
	c.statisticsRoutes()
	c.statisticsServicesRoutes()
	c.exchangeRoutes()
	c.crossprovRoutes()
	c.userRoutes()
	c.ratingRoutes()
	c.frontOfficeRoutes()
	c.handlePublic("/", c.handleNotFound)
}

// handleNotFound answers a path with no page.
func (c *Console) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	p := c.newPage(r, "error")
	p.Title = p.T("error.not_found")
	p.Data = errorPage{Message: p.T("error.not_found")}
	c.render(w, r, http.StatusNotFound, p)
	return nil
}
