// Package network is steward's network provider: VLANs, switch ports,
// static routes and access lists on switches and routers, reached over SSH
// with scrapligo.
//
// Every operation works device by device. Discovery reads each device's
// running configuration once per plan, whatever the number of resources;
// apply turns all of one device's changes into configuration lines
// (netconfig.Platform.Lines orders them safely), sends them in one
// configuration session, restores the previous configuration if the device
// rejects a line, reads the configuration back to check that the change
// converged, and saves it.
package network
