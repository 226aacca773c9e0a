package directory

import (
	"context"
	"net"
	"time"
)

// dialerFor bounds connection set-up by the timeout and the context.
func dialerFor(ctx context.Context, timeout time.Duration) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if deadline, ok := ctx.Deadline(); ok {
		d.Deadline = deadline
	}
	return d
}
