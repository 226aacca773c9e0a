// Command steward-provider-dhcp is an example provider plugin, written
// only against steward's SDK (the providers, schema and providers/plugin
// packages). It manages host reservations in an ISC dhcpd configuration
// file:
//
//	host printer-1 {
//	  hardware ethernet 00:11:22:33:44:55;
//	  fixed-address 192.168.1.50;
//	}
//
// Discovery parses the file; apply rewrites it atomically, so that dhcpd
// never reads half a file. Hosts that steward does not manage are kept.
package main

import (
	"github.com/stewardhq/steward/providers/plugin"
)

func main() { plugin.Serve(newProvider()) }
