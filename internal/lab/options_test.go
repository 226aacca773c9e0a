package lab

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scrapli/scrapligo/driver/opoptions"
	"github.com/scrapli/scrapligo/driver/options"
	scrapliplatform "github.com/scrapli/scrapligo/platform"
	"github.com/scrapli/scrapligo/util"
)

func toOptions(in []any) []util.Option {
	out := make([]util.Option, len(in))
	for i, o := range in {
		out[i] = o.(util.Option)
	}
	return out
}

func optStopOnFailed() util.Option { return opoptions.WithStopOnFailed() }

func newScrapliPlatform(d *Device, user, pass, knownHosts string) (*scrapliplatform.Platform, error) {
	return scrapliplatform.NewPlatform(d.Platform(), d.Host(),
		options.WithAuthUsername(user),
		options.WithAuthPassword(pass),
		options.WithPort(d.Port()),
		options.WithTransportType("standard"),
		options.WithSSHKnownHostsFile(knownHosts),
		options.WithTimeoutOps(5*time.Second),
	)
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
