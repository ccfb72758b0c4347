package httpapi

// accountRoutes are the routes of personal accounts, government-paid premiums, back payment and transfer.
func (s *server) accountRoutes() []route {
	return nil
}
