package statistics

import "context"

// SetHook has s call hook at each stage of a summary.
func SetHook(s *Service, hook func(ctx context.Context, stage string)) { s.hook = hook }
