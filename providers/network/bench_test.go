package network_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
)

// benchFleet describes n lab devices with 200 VLANs and 48 configured
// ports each, the fleet the goals are stated for.
func benchFleet(l *lab.Lab) string {
	var b strings.Builder
	b.WriteString("locals {\n  devices = {\n")
	for _, d := range l.Devices() {
		port := "Et"
		if d.Platform() == lab.PlatformIOSXE {
			port = "Gi1/0/"
		}
		fmt.Fprintf(&b, "    %q = %q\n", d.Name(), port)
	}
	b.WriteString(`  }
  vlans = { for pair in setproduct(keys(local.devices), range(100, 300)) : "${pair[0]}/${pair[1]}" => { device = pair[0], vlan = pair[1] } }
  ports = { for pair in setproduct(keys(local.devices), range(1, 49)) : "${pair[0]}/${pair[1]}" => { device = pair[0], port = pair[1] } }
}

resource "network_vlan" "v" {
  for_each = local.vlans
  device   = each.value.device
  vlan_id  = each.value.vlan
  name     = "v${each.value.vlan}"
}

resource "network_interface" "p" {
  for_each    = local.ports
  device      = each.value.device
  name        = "${local.devices[each.value.device]}${each.value.port}"
  description = "desk ${each.value.port}"
  mode        = "access"
  access_vlan = network_vlan.v["${each.value.device}/${100 + each.value.port}"].vlan_id
}
`)
	return b.String()
}

// BenchmarkLab100Devices plans, with 20 ms of latency per command, a
// fleet of 100 lab devices (IOS-XE and EOS) with 200 VLANs and 48 ports
// each: 24,800 resources. It reports the sessions and commands each device
// saw per plan, which must not depend on the number of resources.
//
//	go test -run xxx -bench Lab100Devices -benchtime 3x ./providers/network/
func BenchmarkLab100Devices(b *testing.B) {
	specs, err := lab.GenerateDevices(100, nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	l, err := lab.Start(context.Background(), lab.Options{Devices: specs})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Stop()
	h := enginetest.New(b, registry(), map[string]string{
		"providers.st.hcl":  l.ProviderHCL(),
		"lab.auto.vars.hcl": l.VarsHCL(),
		"main.st.hcl":       benchFleet(l),
	})
	start := time.Now()
	h.MustApply(h.MustPlan(plan.NormalMode))
	objects := 0
	for _, r := range h.State.Resources {
		objects += len(r.Instances)
	}
	b.Logf("initial apply of %d objects without latency: %s", objects, time.Since(start))
	for _, d := range l.Devices() {
		d.SetLatency(20 * time.Millisecond)
		d.ResetCommandCount()
	}
	logins := func() (total int64) {
		for _, d := range l.Devices() {
			total += d.Logins()
		}
		return total
	}
	before := logins()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := h.MustPlan(plan.NormalMode)
		if p.HasChanges() {
			b.Fatalf("no-change plan has changes: %v", enginetest.Pending(p)[:5])
		}
	}
	b.StopTimer()
	var commands int64
	for _, d := range l.Devices() {
		commands += d.CommandCount()
	}
	n := float64(b.N * len(l.Devices()))
	b.ReportMetric(float64(logins()-before)/n, "sessions/device/plan")
	b.ReportMetric(float64(commands)/n, "commands/device/plan")

	// One change on every device, applied with the latency: one
	// configuration session per device.
	h.WriteFile("main.st.hcl", strings.Replace(benchFleet(l), `"desk ${each.value.port}"`, `"desk ${each.value.port}${each.value.port == 1 ? " (moved)" : ""}"`, 1))
	p := h.MustPlan(plan.NormalMode)
	before = logins()
	start = time.Now()
	h.MustApply(p)
	b.Logf("apply of %d changes (one per device) with 20 ms latency: %s, %.1f sessions per device",
		p.Summary().Change, time.Since(start), float64(logins()-before)/float64(len(l.Devices())))
}
