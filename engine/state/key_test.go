package state

import (
	"testing"

	"github.com/stewardhq/steward/engine/addrs"
)

func TestKeyAddrRoundTrip(t *testing.T) {
	for _, c := range []struct {
		addr addrs.InstanceKey
		key  InstanceKey
	}{
		{addrs.NoKey, NoKey},
		{addrs.IntKey(0), IntKey(0)},
		{addrs.IntKey(7), IntKey(7)},
		{addrs.StringKey(""), StringKey("")},
		{addrs.StringKey("a b"), StringKey("a b")},
	} {
		if got := KeyFromAddr(c.addr); got != c.key {
			t.Errorf("KeyFromAddr(%s) = %s, want %s", c.addr, got, c.key)
		}
		if got := c.key.Addr(); got != c.addr {
			t.Errorf("%s.Addr() = %s, want %s", c.key, got, c.addr)
		}
		if got, want := c.key.String(), c.addr.String(); got != want {
			t.Errorf("state key prints %s, address key %s", got, want)
		}
	}
	// The zero values are "no key" on both sides.
	if !KeyFromAddr(addrs.InstanceKey{}).IsZero() || !(InstanceKey{}).Addr().IsNone() {
		t.Error("zero keys do not convert to zero keys")
	}
}
