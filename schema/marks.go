package schema

// valueMark is unexported so no other package can forge a mark that compares
// equal to ours by accident.
type valueMark string

// Sensitive marks a cty.Value that must never be shown, logged or stored in
// clear text. The engine marks values of sensitive attributes and variables
// with it; go-cty and HCL propagate it through every expression that uses
// the value.
const Sensitive = valueMark("sensitive")

// String names the mark in debugging output.
func (m valueMark) String() string { return string(m) }
