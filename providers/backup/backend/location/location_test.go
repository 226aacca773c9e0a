package location_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardhq/steward/internal/testenv/sshd"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/local"
	"github.com/stewardhq/steward/providers/backup/backend/location"
	"github.com/stewardhq/steward/providers/backup/backend/sftp"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in     string
		want   location.Location
		string string
	}{
		{"/srv/backup/main", location.Location{Kind: location.Local, Path: "/srv/backup/main"}, "/srv/backup/main"},
		{"/srv/backup/main/", location.Location{Kind: location.Local, Path: "/srv/backup/main"}, "/srv/backup/main"},
		{"repo", location.Location{Kind: location.Local, Path: "repo"}, "repo"},
		{"./a/../repo", location.Location{Kind: location.Local, Path: "repo"}, "repo"},
		{"file:///srv/backup", location.Location{Kind: location.Local, Path: "/srv/backup"}, "/srv/backup"},
		{"file://localhost/srv/backup", location.Location{Kind: location.Local, Path: "/srv/backup"}, "/srv/backup"},
		{"dir:with:colons", location.Location{Kind: location.Local, Path: "dir:with:colons"}, "dir:with:colons"},
		{"sftp://backup@nas.example.org/srv/main",
			location.Location{Kind: location.SFTP, User: "backup", Host: "nas.example.org", Path: "/srv/main"},
			"sftp://backup@nas.example.org/srv/main"},
		{"sftp://backup@nas:2222/srv/main",
			location.Location{Kind: location.SFTP, User: "backup", Host: "nas", Port: 2222, Path: "/srv/main"},
			"sftp://backup@nas:2222/srv/main"},
		{"sftp://nas/~/backups/main",
			location.Location{Kind: location.SFTP, Host: "nas", Path: "backups/main"},
			"sftp://nas/~/backups/main"},
		{"sftp://u@[::1]:22/r",
			location.Location{Kind: location.SFTP, User: "u", Host: "::1", Port: 22, Path: "/r"},
			"sftp://u@[::1]/r"},
	} {
		got, err := location.Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if got.String() != tt.string {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got.String(), tt.string)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const secret = "hunter2-secret"
	for _, tt := range []struct{ in, want string }{
		{"", "empty"},
		{"s3://bucket/x", `unsupported scheme "s3"`},
		{"sftp:user@host:/srv", "sftp://user@host"},
		{"sftp:user:" + secret + "@host:/srv", "sftp://user@host"},
		{"s3://key:" + secret + "@bucket/x", `unsupported scheme "s3"`},
		{"sftp://user:" + secret + "@host/a@b", location.PasswordEnv},
		{"sftp://user:" + secret + "@host/srv", location.PasswordEnv},
		{"sftp://user:" + secret + "@host:99999/srv", location.PasswordEnv},
		{"sftp://user:" + secret + "@host:x/srv", "not a valid sftp:// URL"},
		{"sftp://host:0/srv", "invalid port"},
		{"sftp://host:70000/srv", "invalid port"},
		{"sftp:///srv", "no host"},
		{"sftp://host", "no repository path"},
		{"sftp://host/~/", "no repository path"},
		{"sftp://host/srv?x=1", "no query"},
		{"file://otherhost/srv", "sftp://"},
	} {
		_, err := location.Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q): %q does not say %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Parse(%q): the error shows the password: %v", tt.in, err)
		}
	}
}

func TestOpenLocal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	be, err := location.Open(context.Background(), "file://"+dir, location.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := be.(*local.Backend); !ok || be.Location() != dir {
		t.Fatalf("Open(file://%s) = %T at %q, want the local backend at %s", dir, be, be.Location(), dir)
	}
	if err := be.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "snapshots")); err != nil {
		t.Errorf("Create through the opened backend: %v", err)
	}
}

// An sftp:// location with no options logs in like ssh would: the user's
// ~/.ssh/known_hosts and first key.
func TestOpenSFTPWithDefaults(t *testing.T) {
	s := sshd.Start(t)
	home := t.TempDir()
	sshDir := filepath.Join(home, ".ssh")
	if err := os.MkdirAll(sshDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for src, dst := range map[string]string{s.KeyFile: "id_ed25519", s.KnownHostsFile: "known_hosts"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sshDir, dst), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	repo := filepath.Join(t.TempDir(), "repo")
	loc := "sftp://" + s.User + "@" + s.Addr() + repo
	be, err := location.Open(context.Background(), loc, location.Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", loc, err)
	}
	defer be.Close()
	if _, ok := be.(*sftp.Backend); !ok || be.Location() != loc {
		t.Fatalf("Open(%s) = %T at %q", loc, be, be.Location())
	}
	ctx := context.Background()
	if err := be.Create(ctx); err != nil {
		t.Fatal(err)
	}
	if err := be.Save(ctx, backend.Handle{Type: backend.ConfigFile}, strings.NewReader("cfg")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(repo, "config")); err != nil || string(b) != "cfg" {
		t.Errorf("config on the server: %q, %v", b, err)
	}

	// Without known_hosts, nothing is trusted.
	if err := os.Remove(filepath.Join(sshDir, "known_hosts")); err != nil {
		t.Fatal(err)
	}
	_, err = location.Open(ctx, loc, location.Options{})
	if err == nil || !strings.Contains(err.Error(), "known_hosts") {
		t.Errorf("Open without ~/.ssh/known_hosts: %v; want an error about known_hosts", err)
	}
	// Unless explicitly insecure.
	be2, err := location.Open(ctx, loc, location.Options{InsecureIgnoreHostKey: true})
	if err != nil {
		t.Fatalf("Open with host key checking off: %v", err)
	}
	be2.Close()
}

func TestOpenSFTPWithoutCredentials(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	_, err := location.Open(context.Background(), "sftp://u@127.0.0.1:1/r", location.Options{InsecureIgnoreHostKey: true})
	if err == nil || !strings.Contains(err.Error(), location.PasswordEnv) {
		t.Errorf("Open with no key and no password: %v; want an error saying how to give one", err)
	}
}
