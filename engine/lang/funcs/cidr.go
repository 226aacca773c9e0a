package funcs

import (
	"math/big"
	"net"

	"github.com/apparentlymart/go-cidr/cidr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Host and network numbers are handled as big integers throughout because
// IPv6 prefixes routinely leave more than 64 bits of numbering space.
//
// go-cidr shifts the *big.Int it is given in place, so every call below
// passes a copy; otherwise numbers used afterwards (in error messages or
// for the next cidrsubnets allocation) would be silently corrupted.

// CidrHostFunc computes the address of a numbered host within a prefix.
// Negative host numbers count back from the end of the range, so -1 is the
// last address.
var CidrHostFunc = function.New(&function.Spec{
	Description: "Calculates a full host IP address for a given host number within a given IP network address prefix.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "hostnum", Type: cty.Number},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		network, err := parseCIDRArg(args[0], 0)
		if err != nil {
			return cty.NilVal, err
		}
		hostnum, err := wholeNumberArg(args[1], 1, "hostnum")
		if err != nil {
			return cty.NilVal, err
		}
		ip, err := cidr.HostBig(network, new(big.Int).Set(hostnum))
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		return cty.StringVal(ip.String()), nil
	},
})

// CidrNetmaskFunc renders an IPv4 prefix length as a dotted-decimal mask.
// IPv6 has no netmask notation, so IPv6 prefixes are rejected rather than
// producing an address-shaped string nobody can use.
var CidrNetmaskFunc = function.New(&function.Spec{
	Description: "Converts an IPv4 address prefix given in CIDR notation into a subnet mask address.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		network, err := parseCIDRArg(args[0], 0)
		if err != nil {
			return cty.NilVal, err
		}
		if network.IP.To4() == nil {
			return cty.NilVal, function.NewArgErrorf(0, "IPv6 addresses cannot have a netmask: %s", args[0].AsString())
		}
		return cty.StringVal(net.IP(network.Mask).String()), nil
	},
})

// CidrSubnetFunc computes the netnum'th subnet obtained by extending prefix
// by newbits bits.
var CidrSubnetFunc = function.New(&function.Spec{
	Description: "Calculates a subnet address within a given IP network address prefix.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		network, err := parseCIDRArg(args[0], 0)
		if err != nil {
			return cty.NilVal, err
		}
		newbits, err := smallIntArg(args[1], 1, "newbits")
		if err != nil {
			return cty.NilVal, err
		}
		netnum, err := wholeNumberArg(args[2], 2, "netnum")
		if err != nil {
			return cty.NilVal, err
		}

		prefixLen, addrLen := network.Mask.Size()
		if newbits < 0 {
			return cty.NilVal, function.NewArgErrorf(1, "newbits must not be negative")
		}
		if prefixLen+newbits > addrLen {
			return cty.NilVal, function.NewArgErrorf(1, "insufficient address space to extend prefix of %d by %d", prefixLen, newbits)
		}
		if netnum.Sign() < 0 {
			return cty.NilVal, function.NewArgErrorf(2, "netnum must not be negative")
		}
		// go-cidr checks this too, but with 64-bit arithmetic that wraps
		// for the wide extensions possible with IPv6, so check exactly here.
		if netnum.Cmp(pow2(newbits)) >= 0 {
			return cty.NilVal, function.NewArgErrorf(2, "prefix extension of %d does not accommodate a subnet numbered %s", newbits, netnum)
		}

		subnet, err := cidr.SubnetBig(network, newbits, new(big.Int).Set(netnum))
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(subnet.String()), nil
	},
})

// CidrSubnetsFunc allocates consecutive subnets of the given sizes, packed
// from the start of prefix. Each subnet is aligned to its own size, so a
// smaller subnet followed by a larger one may leave a gap; this mirrors how
// a person would lay out an address plan by hand and keeps earlier results
// stable when more sizes are appended.
var CidrSubnetsFunc = function.New(&function.Spec{
	Description: "Calculates a sequence of consecutive IP address ranges within a particular CIDR prefix.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
	},
	VarParam: &function.Parameter{
		Name: "newbits",
		Type: cty.Number,
	},
	Type:         function.StaticReturnType(cty.List(cty.String)),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		network, err := parseCIDRArg(args[0], 0)
		if err != nil {
			return cty.NilVal, err
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}

		prefixLen, addrLen := network.Mask.Size()
		family := "IPv4"
		if network.IP.To4() == nil {
			family = "IPv6"
		}

		// cursor is the offset, in addresses from the start of prefix, of
		// the first address not yet allocated.
		cursor := new(big.Int)
		last := network.String()
		results := make([]cty.Value, 0, len(args)-1)
		for i, arg := range args[1:] {
			argIdx := i + 1
			newbits, err := smallIntArg(arg, argIdx, "newbits")
			if err != nil {
				return cty.NilVal, err
			}
			if newbits < 1 {
				return cty.NilVal, function.NewArgErrorf(argIdx, "must extend prefix by at least one bit")
			}
			if prefixLen+newbits > addrLen {
				return cty.NilVal, function.NewArgErrorf(argIdx, "would extend prefix to %d bits, which is too long for an %s address", prefixLen+newbits, family)
			}

			size := pow2(addrLen - prefixLen - newbits)
			// Round the cursor up to the next multiple of this subnet's size.
			netnum := new(big.Int).Add(cursor, new(big.Int).Sub(size, big.NewInt(1)))
			netnum.Quo(netnum, size)
			if netnum.Cmp(pow2(newbits)) >= 0 {
				return cty.NilVal, function.NewArgErrorf(argIdx, "not enough remaining address space for a subnet with a prefix of %d bits after %s", prefixLen+newbits, last)
			}

			subnet, err := cidr.SubnetBig(network, newbits, new(big.Int).Set(netnum))
			if err != nil {
				return cty.NilVal, function.NewArgError(argIdx, err)
			}
			last = subnet.String()
			results = append(results, cty.StringVal(last))
			cursor.Mul(netnum.Add(netnum, big.NewInt(1)), size)
		}
		return cty.ListVal(results), nil
	},
})

func parseCIDRArg(v cty.Value, argIdx int) (*net.IPNet, error) {
	_, network, err := net.ParseCIDR(v.AsString())
	if err != nil {
		return nil, function.NewArgErrorf(argIdx, "invalid CIDR expression: %s", err)
	}
	return network, nil
}

func wholeNumberArg(v cty.Value, argIdx int, name string) (*big.Int, error) {
	f := v.AsBigFloat()
	if !f.IsInt() {
		return nil, function.NewArgErrorf(argIdx, "%s must be a whole number", name)
	}
	i, _ := f.Int(nil)
	return i, nil
}

// smallIntArg is for bit counts, which are at most 128 for any real address,
// so anything outside int range is simply reported as too large.
func smallIntArg(v cty.Value, argIdx int, name string) (int, error) {
	i, err := wholeNumberArg(v, argIdx, name)
	if err != nil {
		return 0, err
	}
	if !i.IsInt64() || i.Int64() > 1<<16 || i.Int64() < -(1<<16) {
		return 0, function.NewArgErrorf(argIdx, "%s value %s is out of range", name, i)
	}
	return int(i.Int64()), nil
}

func pow2(n int) *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(n))
}
