package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// labVLANs is the lab's two switches with a handful of VLANs and access
// ports each: enough to exercise discovery, plan and apply of both
// resource types, small enough to run in seconds.
const labVLANs = `locals {
  devices = { "core-1" = "Gi1/0/", "access-1" = "Et" }
  vlans   = { for pair in setproduct(keys(local.devices), range(200, 220)) : "${pair[0]}/${pair[1]}" => { device = pair[0], vlan = pair[1] } }
  ports   = { for pair in setproduct(keys(local.devices), range(1, 5)) : "${pair[0]}/${pair[1]}" => { device = pair[0], port = pair[1] } }
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
  access_vlan = network_vlan.v["${each.value.device}/${200 + each.value.port}"].vlan_id
}
`

// outOfProcess makes the configuration run the built-in network provider
// as a plugin: `steward provider serve network`.
const outOfProcess = `steward {
  required_providers {
    network = { source = "steward:network" }
  }
}
`

// TestNetworkProviderOutOfProcess runs the network provider in process and
// out of process against the same lab: the plans are the same text, and
// the states the two applies leave are the same objects.
func TestNetworkProviderOutOfProcess(t *testing.T) {
	dir := t.TempDir()
	killLabAtCleanup(t, dir)
	run := stewardIn(t, dir, labPasswordEnv+"=oop-pass-123")
	expectCode(t, run("lab", "up", "--dir", ".", "--latency", "1ms", "--directory=false"), ExitOK)
	t.Cleanup(func() { run("lab", "down", "--dir", ".") })
	if err := os.WriteFile(filepath.Join(dir, "main.st.hcl"), []byte(labVLANs), 0o644); err != nil {
		t.Fatal(err)
	}
	oopFile := filepath.Join(dir, "plugin.st.hcl")
	setOOP := func(on bool) {
		t.Helper()
		if !on {
			os.Remove(oopFile)
			return
		}
		if err := os.WriteFile(oopFile, []byte(outOfProcess), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	inPlan := run("plan", "-detailed-exitcode")
	expectCode(t, inPlan, ExitChanges)
	expectContains(t, inPlan, "Plan: 48 to add, 0 to change, 0 to destroy.")

	setOOP(true)
	expectContains(t, run("init"), "- network: built into steward, served out of process ("+stewardBin+" provider serve network)")
	oopPlan := run("plan", "-detailed-exitcode")
	expectCode(t, oopPlan, ExitChanges)
	if oopPlan.stdout != inPlan.stdout {
		t.Fatalf("plans differ\n--- in process\n%s\n--- out of process\n%s", inPlan.stdout, oopPlan.stdout)
	}
	// The plugin's logging stays out of the user's way unless asked for.
	if oopPlan.stderr != "" {
		t.Errorf("out-of-process plan wrote to standard error:\n%s", oopPlan.stderr)
	}
	logged := stewardIn(t, dir, labPasswordEnv+"=oop-pass-123", "STEWARD_LOG=debug")("plan")
	expectContains(t, logged, "plugin process exited")
	expectContains(t, logged, `"provider", "serve", "network"`)

	r := run("apply", "-auto-approve")
	expectCode(t, r, ExitOK)
	expectContains(t, r, "Resources: 48 added, 0 changed, 0 destroyed.")
	oopState := stateResourcesJSON(t, dir)
	expectContains(t, run("plan"), "No changes")

	// The in-process provider sees what the plugin did as done, and doing
	// it again in process leaves the same objects.
	setOOP(false)
	expectContains(t, run("plan"), "No changes")
	expectContains(t, run("destroy", "-auto-approve"), "Destroy complete! Resources: 48 destroyed.")
	expectContains(t, run("apply", "-auto-approve"), "Resources: 48 added, 0 changed, 0 destroyed.")
	if inState := stateResourcesJSON(t, dir); inState != oopState {
		t.Fatalf("states differ\n--- out of process\n%s\n--- in process\n%s", oopState, inState)
	}
}

// stateResourcesJSON is the state's resources as JSON, without the lineage,
// serial and version that differ between runs.
func stateResourcesJSON(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return string(st.Resources)
}
