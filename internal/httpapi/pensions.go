package httpapi

// pensionRoutes are the routes of retirement awards, payroll, certification and duplicate control.
func (s *server) pensionRoutes() []route {
	return nil
}
