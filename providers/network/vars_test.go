package network_test

import "github.com/stewardhq/steward/engine/config"

func configVar(name, value string) config.VarArg {
	return config.VarArg{Assignment: name + "=" + value}
}
