package postgres

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

var shared *Shared

func TestMain(m *testing.M) {
	shared = StartShared()
	code := m.Run()
	shared.Close()
	os.Exit(code)
}

// TestDatabaseAndRestart checks the harness itself: a fresh database per call, reachable with the
// password over TCP, data surviving a restart, and connections failing while it is down.
func TestDatabaseAndRestart(t *testing.T) {
	ctx := context.Background()
	a, b := shared.Database(t), shared.Database(t)
	if a == b {
		t.Fatalf("two calls returned the same database %s", a)
	}
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE x (v int); INSERT INTO x VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	srv := shared.Server(t)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if c, err := pgx.Connect(ctx, a); err == nil {
		c.Close(ctx)
		t.Fatal("connected to a stopped server")
	}
	if err := srv.StartAgain(); err != nil {
		t.Fatal(err)
	}
	conn, err = pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int
	if err := conn.QueryRow(ctx, "SELECT v FROM x").Scan(&v); err != nil || v != 42 {
		t.Fatalf("after restart: %d, %v", v, err)
	}
	bad := strings.Replace(a, srv.Password, "wrong", 1)
	if c, err := pgx.Connect(ctx, bad); err == nil {
		c.Close(ctx)
		t.Fatal("connected with a wrong password")
	}
}
