package lab

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkDiscover100Devices measures the lab at the scale of the network
// provider's benchmark: 100 devices with 200 VLANs and 48 configured ports
// each, 20 ms of latency per command, every device opened with scrapligo
// (on-open included) and read with one show running-config, all in
// parallel. It tells the provider's author how much of a plan's time the
// lab itself takes.
func BenchmarkDiscover100Devices(b *testing.B) {
	specs, err := GenerateDevices(100, nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	l, err := Start(context.Background(), Options{Devices: specs, Latency: 20 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Stop()
	for _, d := range l.Devices() {
		d.Console(scaleConfig(d)...)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		errs := make(chan error, len(l.Devices()))
		for _, d := range l.Devices() {
			wg.Add(1)
			go func(d *Device) {
				defer wg.Done()
				p, err := newScrapliPlatform(d, d.Username(), d.Password(), knownHostsFile(b, d))
				if err != nil {
					errs <- err
					return
				}
				drv, err := p.GetNetworkDriver()
				if err == nil {
					err = drv.Open()
				}
				if err != nil {
					errs <- err
					return
				}
				defer drv.Close()
				r, err := drv.SendCommand("show running-config")
				if err != nil || !strings.Contains(r.Result, "vlan 2") {
					errs <- fmt.Errorf("%s: %v", d.Name(), err)
				}
			}(d)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var cmds int64
	for _, d := range l.Devices() {
		cmds += d.CommandCount()
	}
	b.ReportMetric(float64(cmds)/float64(b.N)/100, "commands/device")
}

// scaleConfig is 200 VLANs and all 48 ports configured.
func scaleConfig(d *Device) []string {
	lines := []string{"configure terminal"}
	for v := 2; v <= 201; v++ {
		lines = append(lines, fmt.Sprintf("vlan %d", v), fmt.Sprintf("name vlan-%d", v))
	}
	port := func(n int) string {
		if d.Platform() == PlatformEOS {
			return fmt.Sprintf("Ethernet%d", n)
		}
		return fmt.Sprintf("GigabitEthernet1/0/%d", n)
	}
	for n := 1; n <= 48; n++ {
		lines = append(lines, "interface "+port(n), fmt.Sprintf("description port %d", n))
		if n%2 == 0 {
			lines = append(lines, "switchport mode trunk", "switchport trunk allowed vlan 2-201")
		} else {
			lines = append(lines, "switchport mode access", fmt.Sprintf("switchport access vlan %d", 2+n))
		}
	}
	return append(lines, "end")
}
