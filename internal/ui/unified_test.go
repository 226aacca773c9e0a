package ui

import (
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	b := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
	got := UnifiedDiff("x.st.hcl", []byte(a), []byte(b))
	want := `--- old/x.st.hcl
+++ new/x.st.hcl
@@ -1,10 +1,11 @@
 a
 b
 c
-d
+D
 e
 f
 g
 h
 i
 j
+k
`
	if got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
	if UnifiedDiff("x", []byte(a), []byte(a)) != "" {
		t.Error("equal inputs gave a diff")
	}
	far := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	farB := "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n"
	if n := strings.Count(UnifiedDiff("x", []byte(far), []byte(farB)), "@@ -"); n != 2 {
		t.Errorf("distant changes gave %d hunks, want 2", n)
	}
}
