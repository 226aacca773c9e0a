// Package netconfig is the vendor-neutral model of the part of a network
// device's configuration that steward manages: VLANs, interfaces, static
// routes and access lists. Platforms (providers/network/platform/...) parse
// a device's running configuration into a Config and render the
// configuration lines that turn one Config into another; the provider works
// only with this model.
package netconfig
