// Package config loads a steward configuration: every *.st.hcl file of a
// directory and the local modules it calls, decoded into typed blocks whose
// expressions are kept unevaluated for the engine to evaluate later.
//
// Loading never stops at the first problem: it returns as much of the
// configuration as it could read together with every diagnostic, each
// pointing at the file, line and column concerned.
package config
