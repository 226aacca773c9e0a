package network

import (
	"context"
	"fmt"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network/platform"
	"github.com/stewardhq/steward/providers/network/session"
)

// NewOffline returns a network provider that knows one device, by name and
// platform, without any way to reach it: for a device whose configuration
// was read from a saved file (RANCID, Oxidized, a TFTP archive). Its
// PlanChanges works as for a configured device, which is what
// `steward discover --from-file` uses to check that the configuration it
// writes adopts the device's objects without changes; anything that needs
// the device itself (Discover, ApplyChanges, Import, List, ReadData) fails
// with an error saying so.
func NewOffline(deviceName, platformName string) (providers.Provider, error) {
	plat, err := platform.Lookup(platformName)
	if err != nil {
		return nil, err
	}
	p := &Provider{schema: providerSchema(), devices: map[string]*device{
		deviceName: {name: deviceName, platform: plat, target: session.Target{Name: deviceName, Platform: plat.Name()}},
	}}
	p.open = func(context.Context, *device) (deviceSession, error) {
		return nil, fmt.Errorf("device %s is known only from a saved configuration, so steward cannot connect to it", deviceName)
	}
	return p, nil
}
