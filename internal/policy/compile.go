package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// op is an operation of the typed plan.
type op uint8

const (
	opConst op = iota
	opInput    // idx: programme input
	opParam    // idx: programme parameter (non-scale)
	opScale    // idx: scale parameter; a: the threshold (dec)
	opRef      // idx: an earlier step
	opPeriodStart
	opPeriodEnd
	opPeriodYear
	opPeriodMonth
	opToDec // a: int → dec
	opNeg
	opNot
	opAdd
	opSub
	opMul    // int × int
	opMulDec // dec × dec
	opDiv    // dec ÷ dec → dec
	opMod
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAnd
	opOr
	opCond // a ? b : c
	opIn   // a in set
	opRound
	opFloor
	opCeil
	opMin
	opMax
	opAbs
	opAgeAt
	opMonthsBetween
	opYearOf
	opMonthOf
	opCall // fn(args)
)

// node is one operation of a compiled expression. The row-wise and the
// columnar engine both interpret this plan.
type node struct {
	op      op
	typ     Type
	a, b, c *node
	args    []*node
	k       int64
	idx     int
	set     []int64
	fn      *Func
	src     string // the source text of this subexpression, for errors
}

// compiler compiles the expressions of one programme.
type compiler struct {
	pk       *Package
	prog     *Programme
	entity   *Entity
	names    map[string]int // variables and conditions defined so far → step index
	inputIdx map[string]int
	paramIdx map[string]int
	src      string
}

func (c *compiler) compile(src string) (*node, error) {
	if strings.TrimSpace(src) == "" {
		return nil, fmt.Errorf("empty expression")
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("syntax: %v", firstLine(err.Error()))
	}
	c.src = src
	return c.node(tree.Node)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (c *compiler) text(n ast.Node) string {
	loc := n.Location()
	r := []rune(c.src)
	if loc.From >= 0 && loc.To <= len(r) && loc.From < loc.To {
		return string(r[loc.From:loc.To])
	}
	return n.String()
}

func (c *compiler) errorf(n ast.Node, format string, args ...any) error {
	return fmt.Errorf("%s (in %q)", fmt.Sprintf(format, args...), n.String())
}

func (c *compiler) node(n ast.Node) (*node, error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return &node{op: opConst, typ: TInt, k: int64(n.Value), src: n.String()}, nil
	case *ast.FloatNode:
		v, err := parseDec(strconv.FormatFloat(n.Value, 'f', -1, 64))
		if err != nil {
			return nil, c.errorf(n, "decimal literal: %v", err)
		}
		return &node{op: opConst, typ: TDec, k: v, src: n.String()}, nil
	case *ast.BoolNode:
		return &node{op: opConst, typ: TBool, k: b2i(n.Value), src: n.String()}, nil
	case *ast.StringNode:
		return &node{op: opConst, typ: TStr, k: c.pk.strs.id(n.Value), src: strconv.Quote(n.Value)}, nil
	case *ast.IdentifierNode:
		return c.ident(n)
	case *ast.MemberNode:
		key, ok := memberPath(n)
		if !ok || !strings.HasPrefix(key, "p.") {
			return nil, c.errorf(n, "unknown name %s: parameters are written p.<key>", n.String())
		}
		return c.param(n, strings.TrimPrefix(key, "p."), false)
	case *ast.ChainNode:
		return c.node(n.Node)
	case *ast.UnaryNode:
		x, err := c.node(n.Node)
		if err != nil {
			return nil, err
		}
		switch n.Operator {
		case "not", "!":
			if x.typ != TBool {
				return nil, c.errorf(n, "not needs a bool, got %s", x.typ)
			}
			return &node{op: opNot, typ: TBool, a: x, src: n.String()}, nil
		case "-":
			if x.typ != TInt && x.typ != TDec {
				return nil, c.errorf(n, "- needs a number, got %s", x.typ)
			}
			return &node{op: opNeg, typ: x.typ, a: x, src: n.String()}, nil
		case "+":
			return x, nil
		}
		return nil, c.errorf(n, "operator %s is not part of the rule language", n.Operator)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.ConditionalNode:
		cond, err := c.node(n.Cond)
		if err != nil {
			return nil, err
		}
		a, err := c.node(n.Exp1)
		if err != nil {
			return nil, err
		}
		b, err := c.node(n.Exp2)
		if err != nil {
			return nil, err
		}
		if cond.typ != TBool {
			return nil, c.errorf(n, "the condition of ? : must be bool, got %s", cond.typ)
		}
		a, b, t, err := c.unify(n, a, b)
		if err != nil {
			return nil, err
		}
		return &node{op: opCond, typ: t, a: cond, b: a, c: b, src: n.String()}, nil
	case *ast.BuiltinNode:
		return c.call(n, n.Name, n.Arguments)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, c.errorf(n, "only named functions can be called")
		}
		return c.call(n, id.Value, n.Arguments)
	}
	return nil, c.errorf(n, "this construct is not part of the rule language")
}

// memberPath flattens p.a.b.c into "p.a.b.c".
func memberPath(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value, true
	case *ast.MemberNode:
		left, ok := memberPath(n.Node)
		prop, isStr := n.Property.(*ast.StringNode)
		if !ok || !isStr || n.Optional || n.Method {
			return "", false
		}
		return left + "." + prop.Value, true
	}
	return "", false
}

func (c *compiler) ident(n *ast.IdentifierNode) (*node, error) {
	name := n.Value
	switch name {
	case "period_start":
		return &node{op: opPeriodStart, typ: TDate, src: name}, nil
	case "period_end":
		return &node{op: opPeriodEnd, typ: TDate, src: name}, nil
	case "period_year":
		return &node{op: opPeriodYear, typ: TInt, src: name}, nil
	case "period_month":
		return &node{op: opPeriodMonth, typ: TInt, src: name}, nil
	}
	if i, ok := c.names[name]; ok {
		return &node{op: opRef, typ: c.prog.steps[i].root.typ, idx: i, src: name}, nil
	}
	in, ok := c.entity.Inputs[name]
	if !ok {
		return nil, c.errorf(n, "unknown name %s: not an input of %s, nor a variable or condition defined above", name, c.entity.Name)
	}
	idx, seen := c.inputIdx[name]
	if !seen {
		idx = len(c.prog.inputs)
		c.inputIdx[name] = idx
		c.prog.inputs = append(c.prog.inputs, in)
	}
	return &node{op: opInput, typ: in.Type, idx: idx, src: name}, nil
}

func (c *compiler) param(n ast.Node, key string, scale bool) (*node, error) {
	p, ok := c.pk.params[key]
	if !ok {
		return nil, c.errorf(n, "unknown parameter %s", key)
	}
	if (p.Kind == KindScale) != scale {
		if scale {
			return nil, c.errorf(n, "parameter %s is a %s, not a scale", key, p.Kind)
		}
		return nil, c.errorf(n, "parameter %s is a scale: read it with scale(p.%s, x)", key, key)
	}
	idx, seen := c.paramIdx[key]
	if !seen {
		idx = len(c.prog.params)
		c.paramIdx[key] = idx
		c.prog.params = append(c.prog.params, p)
	}
	return &node{op: opParam, typ: p.ValueType(), idx: idx, src: "p." + key}, nil
}

// toDec converts an int operand to dec; other types pass through.
func toDec(x *node) *node {
	if x.typ != TInt {
		return x
	}
	if x.op == opConst {
		if v, ok := toDecOK(x.k); ok {
			return &node{op: opConst, typ: TDec, k: v, src: x.src}
		}
	}
	return &node{op: opToDec, typ: TDec, a: x, src: x.src}
}

// unify brings two operands to one type: int and dec meet at dec.
func (c *compiler) unify(n ast.Node, a, b *node) (*node, *node, Type, error) {
	switch {
	case a.typ == b.typ:
		return a, b, a.typ, nil
	case (a.typ == TInt || a.typ == TDec) && (b.typ == TInt || b.typ == TDec):
		return toDec(a), toDec(b), TDec, nil
	}
	return nil, nil, TInvalid, c.errorf(n, "cannot combine %s and %s", a.typ, b.typ)
}

func numeric(t Type) bool { return t == TInt || t == TDec }

func (c *compiler) binary(n *ast.BinaryNode) (*node, error) {
	a, err := c.node(n.Left)
	if err != nil {
		return nil, err
	}
	if n.Operator == "in" || n.Operator == "not in" {
		return c.in(n, a)
	}
	b, err := c.node(n.Right)
	if err != nil {
		return nil, err
	}
	src := n.String()
	switch n.Operator {
	case "and", "&&", "or", "||":
		if a.typ != TBool || b.typ != TBool {
			return nil, c.errorf(n, "%s needs bools, got %s and %s", n.Operator, a.typ, b.typ)
		}
		o := opAnd
		if n.Operator == "or" || n.Operator == "||" {
			o = opOr
		}
		return &node{op: o, typ: TBool, a: a, b: b, src: src}, nil
	case "+", "-", "*", "/", "%":
		if !numeric(a.typ) || !numeric(b.typ) {
			return nil, c.errorf(n, "%s needs numbers, got %s and %s", n.Operator, a.typ, b.typ)
		}
		switch n.Operator {
		case "/":
			return &node{op: opDiv, typ: TDec, a: toDec(a), b: toDec(b), src: src}, nil
		case "%":
			if a.typ != TInt || b.typ != TInt {
				return nil, c.errorf(n, "%% needs ints")
			}
			return &node{op: opMod, typ: TInt, a: a, b: b, src: src}, nil
		}
		a, b, t, _ := c.unify(n, a, b)
		o := map[string]op{"+": opAdd, "-": opSub, "*": opMul}[n.Operator]
		if o == opMul && t == TDec {
			o = opMulDec
		}
		return &node{op: o, typ: t, a: a, b: b, src: src}, nil
	case "==", "!=", "<", "<=", ">", ">=":
		a, b, t, err := c.unify(n, a, b)
		if err != nil {
			return nil, err
		}
		ordered := n.Operator != "==" && n.Operator != "!="
		if ordered && (t == TBool || t == TStr) {
			return nil, c.errorf(n, "%s cannot be ordered", t)
		}
		o := map[string]op{"==": opEq, "!=": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe}[n.Operator]
		return &node{op: o, typ: TBool, a: a, b: b, src: src}, nil
	}
	return nil, c.errorf(n, "operator %s is not part of the rule language", n.Operator)
}

func (c *compiler) in(n *ast.BinaryNode, a *node) (*node, error) {
	arr, ok := n.Right.(*ast.ArrayNode)
	if !ok {
		return nil, c.errorf(n, "in needs a literal list, e.g. x in [\"a\", \"b\"]")
	}
	if a.typ != TStr && a.typ != TInt {
		return nil, c.errorf(n, "in works on str or int, got %s", a.typ)
	}
	out := &node{op: opIn, typ: TBool, a: a, src: n.String()}
	for _, e := range arr.Nodes {
		x, err := c.node(e)
		if err != nil {
			return nil, err
		}
		if x.op != opConst || x.typ != a.typ {
			return nil, c.errorf(n, "the list of in holds %s constants", a.typ)
		}
		out.set = append(out.set, x.k)
	}
	if a.typ == TStr && a.op == opInput {
		in := c.prog.inputs[a.idx]
		for _, e := range arr.Nodes {
			s := e.(*ast.StringNode).Value
			if _, ok := in.valueIDs[s]; !ok {
				return nil, c.errorf(n, "%q is not a value of %s (%s)", s, in.Name, strings.Join(in.Values, ", "))
			}
		}
	}
	if n.Operator == "not in" {
		return &node{op: opNot, typ: TBool, a: out, src: n.String()}, nil
	}
	return out, nil
}

func (c *compiler) call(n ast.Node, name string, argNodes []ast.Node) (*node, error) {
	if name == "scale" {
		if len(argNodes) != 2 {
			return nil, c.errorf(n, "scale(p.key, x) takes 2 arguments")
		}
		key, ok := memberPath(argNodes[0])
		if !ok || !strings.HasPrefix(key, "p.") {
			return nil, c.errorf(n, "the first argument of scale is a parameter p.<key>")
		}
		pn, err := c.param(argNodes[0], strings.TrimPrefix(key, "p."), true)
		if err != nil {
			return nil, err
		}
		x, err := c.node(argNodes[1])
		if err != nil {
			return nil, err
		}
		if !numeric(x.typ) {
			return nil, c.errorf(n, "scale needs a number, got %s", x.typ)
		}
		return &node{op: opScale, typ: pn.typ, idx: pn.idx, a: toDec(x), src: n.String()}, nil
	}
	args := make([]*node, len(argNodes))
	for i, an := range argNodes {
		x, err := c.node(an)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	arity := func(k int) error {
		if len(args) != k {
			return c.errorf(n, "%s takes %d argument(s), got %d", name, k, len(args))
		}
		return nil
	}
	src := n.String()
	switch name {
	case "round", "floor", "ceil":
		if err := arity(1); err != nil {
			return nil, err
		}
		if !numeric(args[0].typ) {
			return nil, c.errorf(n, "%s needs a number", name)
		}
		if args[0].typ == TInt {
			return args[0], nil
		}
		o := map[string]op{"round": opRound, "floor": opFloor, "ceil": opCeil}[name]
		return &node{op: o, typ: TInt, a: args[0], src: src}, nil
	case "min", "max":
		if err := arity(2); err != nil {
			return nil, err
		}
		a, b, t, err := c.unify(n, args[0], args[1])
		if err != nil {
			return nil, err
		}
		if !numeric(t) && t != TDate {
			return nil, c.errorf(n, "%s needs numbers or dates", name)
		}
		o := opMin
		if name == "max" {
			o = opMax
		}
		return &node{op: o, typ: t, a: a, b: b, src: src}, nil
	case "abs":
		if err := arity(1); err != nil {
			return nil, err
		}
		if !numeric(args[0].typ) {
			return nil, c.errorf(n, "abs needs a number")
		}
		return &node{op: opAbs, typ: args[0].typ, a: args[0], src: src}, nil
	case "year_of", "month_of":
		if err := arity(1); err != nil {
			return nil, err
		}
		if args[0].typ != TDate {
			return nil, c.errorf(n, "%s needs a date", name)
		}
		o := opYearOf
		if name == "month_of" {
			o = opMonthOf
		}
		return &node{op: o, typ: TInt, a: args[0], src: src}, nil
	case "age_at", "months_between":
		if err := arity(2); err != nil {
			return nil, err
		}
		if args[0].typ != TDate || args[1].typ != TDate {
			return nil, c.errorf(n, "%s needs two dates", name)
		}
		o := opAgeAt
		if name == "months_between" {
			o = opMonthsBetween
		}
		return &node{op: o, typ: TInt, a: args[0], b: args[1], src: src}, nil
	}
	f, ok := c.pk.funcs[name]
	if !ok {
		return nil, c.errorf(n, "unknown function %s", name)
	}
	if err := arity(len(f.Args)); err != nil {
		return nil, err
	}
	for i, t := range f.Args {
		if args[i].typ == TInt && t == TDec {
			args[i] = toDec(args[i])
		}
		if args[i].typ != t {
			return nil, c.errorf(n, "argument %d of %s must be %s, got %s", i+1, name, t, args[i].typ)
		}
	}
	return &node{op: opCall, typ: f.Result, args: args, fn: f, src: src}, nil
}
