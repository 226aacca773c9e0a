package archiver

import "testing"

func TestExcluderMatchesLikeRestic(t *testing.T) {
	e, err := newExcluder([]string{"*.tmp", "/srv/data/cache", "build/*.o", "node_modules"})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"/home/a/x.tmp":             true,
		"/home/a/x.tmp.keep":        false,
		"/srv/data/cache":           true,
		"/srv/other/data/cache":     false,
		"/p/build/main.o":           true,
		"/p/build/sub/main.o":       false,
		"/p/web/node_modules":       true,
		"/p/web/node_modules2":      false,
		"/p/web/src/node_modules.c": false,
	} {
		if got := e.excluded(path); got != want {
			t.Errorf("excluded(%q) = %v, want %v", path, got, want)
		}
	}
	if _, err := newExcluder([]string{"["}); err == nil {
		t.Error("bad pattern accepted")
	}
}
