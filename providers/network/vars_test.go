package network_test

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
)

func configVar(name, value string) config.VarArg {
	return config.VarArg{Assignment: name + "=" + value}
}

func ctyInt(i int) cty.Value { return cty.NumberIntVal(int64(i)) }
