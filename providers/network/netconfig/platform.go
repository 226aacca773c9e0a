package netconfig

// Platform is what steward knows about one network operating system: how
// to read its configuration and how to write changes to it.
type Platform interface {
	// Name is the platform's name in configuration (cisco_iosxe, arista_eos,
	// cisco_nxos, frr).
	Name() string

	// ParseRunningConfig reads the output of `show running-config`.
	// Unmanaged configuration is ignored; malformed managed configuration
	// is an error naming the line.
	ParseRunningConfig(text string) (*Config, error)

	// CanonicalInterface expands an interface name as the user or the
	// device writes it (Gi1/0/1, gig1/0/1, Et1) to the full name the
	// device prints in its configuration (GigabitEthernet1/0/1, Ethernet1).
	CanonicalInterface(name string) (string, error)

	// DefaultInterface is the configuration an interface has when nothing
	// is configured on it: what "removing" a port returns it to.
	DefaultInterface(name string) *Interface

	// Lines returns the configuration-mode commands that turn cur into
	// want, in a safe order: VLANs and ACLs are created before interfaces
	// use them, interfaces are detached before VLANs are deleted. Objects
	// equal in both produce no lines. The lines are sent after entering
	// configuration mode and do not include `configure terminal` or `end`.
	Lines(cur, want *Config) []string

	// ErrorMarkers are substrings of a response that mean the device
	// rejected the command.
	ErrorMarkers() []string

	// SaveCommand persists the running configuration (`write memory`).
	SaveCommand() string
}
