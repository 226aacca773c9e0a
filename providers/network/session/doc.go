// Package session runs CLI sessions on network devices over SSH with
// scrapligo: it opens a connection with verified host keys, sends show
// commands, and sends configuration lines in one configuration session,
// stopping at the first line the device rejects. A rejected line is a
// result (ConfigResult.Failed), not a transport error.
package session
