package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProviderServeRefusesToRunByHand(t *testing.T) {
	f, _, _, _ := testFactory(t)
	err := runCmd(t, f, NewCmdProviderServe(f, nil), "network")
	if err == nil || !strings.Contains(err.Error(), "not meant to be run by hand") || !strings.Contains(err.Error(), `"steward:network"`) {
		t.Errorf("run by hand: %v", err)
	}
	err = runCmd(t, f, NewCmdProviderServe(f, nil), "nosuch")
	if err == nil || !strings.Contains(err.Error(), `no built-in provider is named "nosuch"`) {
		t.Errorf("unknown provider: %v", err)
	}
}

func TestPluginSettingsFromTheEnvironment(t *testing.T) {
	f, _, _, _ := testFactory(t)
	f.Environ = []string{"STEWARD_PLUGIN_TIMEOUT=soon"}
	if _, err := f.pluginOptions(); err == nil || !strings.Contains(err.Error(), "not a duration") {
		t.Errorf("bad timeout: %v", err)
	}
	f.Environ = []string{"STEWARD_PLUGIN_TIMEOUT=90s"}
	o, err := f.pluginOptions()
	if err != nil || o.CallTimeout.Seconds() != 90 || o.Dir != f.WorkDir {
		t.Errorf("options: %+v, %v", o, err)
	}
	if o.Logger.IsInfo() {
		t.Error("without STEWARD_LOG the plugin log must be discarded")
	}
	f.Environ = []string{"STEWARD_LOG=debug"}
	if o, _ := f.pluginOptions(); !o.Logger.IsDebug() {
		t.Error("STEWARD_LOG=debug does not log at debug level")
	}
}

func TestInitWithoutPlugins(t *testing.T) {
	f, _, out, _ := testFactory(t)
	os.WriteFile(filepath.Join(f.WorkDir, "main.st.hcl"), []byte("steward {\n  required_providers {\n    network = {}\n  }\n}\n"), 0o644)
	if err := runCmd(t, f, NewCmdInit(f, nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "No provider plugins to lock.") {
		t.Errorf("output: %s", out)
	}
	if _, err := os.Stat(filepath.Join(f.WorkDir, LockFile)); err == nil {
		t.Error("a lock file was written with nothing to lock")
	}
}

func TestMissingPluginIsAnError(t *testing.T) {
	f, _, _, _ := testFactory(t)
	os.WriteFile(filepath.Join(f.WorkDir, "main.st.hcl"), []byte("steward {\n  required_providers {\n    acme = {}\n  }\n}\n"), 0o644)
	err := runCmd(t, f, NewCmdPlan(f, nil))
	if err == nil || !strings.Contains(err.Error(), `provider "acme" is not built into steward and no steward-provider-acme was found`) {
		t.Errorf("plan: %v", err)
	}
}
