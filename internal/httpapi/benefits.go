package httpapi

// benefitRoutes are the routes of unemployment and work-injury benefits.
func (s *server) benefitRoutes() []route {
	return nil
}
