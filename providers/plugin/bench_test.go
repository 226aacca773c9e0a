package plugin_test

import (
	"context"
	"testing"

	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/testenv/enginetest"
	"github.com/stewardhq/steward/internal/testenv/gobuild"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network"
	"github.com/stewardhq/steward/providers/plugin"
)

// labVLANs is 200 VLANs on each of the lab's two switches.
const labVLANs = `locals {
  vlans = { for pair in setproduct(["core-1", "access-1"], range(100, 300)) : "${pair[0]}/${pair[1]}" => { device = pair[0], vlan = pair[1] } }
}

resource "network_vlan" "v" {
  for_each = local.vlans
  device   = each.value.device
  vlan_id  = each.value.vlan
  name     = "v${each.value.vlan}"
}
`

// BenchmarkLabPlan plans the lab's 2 switches with 200 VLANs each, all
// applied already (a plan with no changes: discovery of 400 objects and
// their plan), with the network provider in process and out of process
// (`steward provider serve network`, started afresh by every plan as
// steward does). The difference is the plugin's overhead: two process
// starts (one to read the schema, one configured) and the gRPC calls.
//
//	go test -run xxx -bench LabPlan -count 7 ./providers/plugin/
func BenchmarkLabPlan(b *testing.B) {
	steward, err := gobuild.Build(b.TempDir(), "github.com/stewardhq/steward")
	if err != nil {
		b.Fatal(err)
	}
	l, err := lab.Start(context.Background(), lab.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Stop()
	inProcess := providers.NewRegistry(map[string]providers.Factory{network.Name: network.New})
	outOfProcess := providers.NewRegistry(map[string]providers.Factory{
		network.Name: plugin.NewClient(network.Name, steward, plugin.Options{Args: []string{"provider", "serve", network.Name}}),
	})
	h := enginetest.New(b, inProcess, map[string]string{
		"providers.st.hcl":  l.ProviderHCL(),
		"lab.auto.vars.hcl": l.VarsHCL(),
		"main.st.hcl":       labVLANs,
	})
	h.MustApply(h.MustPlan(plan.NormalMode))
	for _, c := range []struct {
		name string
		reg  *providers.Registry
	}{{"in-process", inProcess}, {"out-of-process", outOfProcess}} {
		b.Run(c.name, func(b *testing.B) {
			h.T, h.Registry = b, c.reg
			for i := 0; i < b.N; i++ {
				if p := h.MustPlan(plan.NormalMode); p.HasChanges() {
					b.Fatalf("the plan has changes: %v", enginetest.Pending(p))
				}
			}
		})
	}
	plugin.CleanupClients()
}

// BenchmarkPluginStart is the fixed cost of a plugin: start `steward
// provider serve network`, complete the handshake (with its TLS
// certificates), read the schema, make one call and stop it.
//
//	go test -run xxx -bench PluginStart -count 7 ./providers/plugin/
func BenchmarkPluginStart(b *testing.B) {
	steward, err := gobuild.Build(b.TempDir(), "github.com/stewardhq/steward")
	if err != nil {
		b.Fatal(err)
	}
	opts := plugin.Options{Args: []string{"provider", "serve", network.Name}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := plugin.NewClient(network.Name, steward, opts)()
		if err != nil {
			b.Fatal(err)
		}
		// A call marks the provider used, so that Close stops the process.
		p.List(context.Background(), providers.ListRequest{Type: "network_vlan"})
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
