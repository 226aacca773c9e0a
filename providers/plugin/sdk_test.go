package plugin_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The SDK is what a plugin in another module can import: no package it
// depends on may be internal to steward, or such a plugin would not build.
func TestSDKNeedsNoInternalPackages(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-deps",
		"github.com/stewardhq/steward/providers/plugin",
		"github.com/stewardhq/steward/examples/plugin/steward-provider-dhcp").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/stewardhq/steward/") && strings.Contains(pkg, "/internal") {
			t.Errorf("the plugin SDK depends on %s", pkg)
		}
	}
}
