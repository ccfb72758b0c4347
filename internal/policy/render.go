package policy

import (
	"strconv"
	"strings"

	"safetynet/internal/money"
	"safetynet/internal/period"
)

// renderMode is how an expression is written for people.
type renderMode uint8

const (
	// modeFormula writes names by their labels: "计发基数 × (1 + 平均缴费指数)".
	modeFormula renderMode = iota
	// modeValues writes the case's values: "8,000.00 元 × (1 + 1)".
	modeValues
	// modeSentence writes each name with its value: "家庭月人均收入
	// 412.00 元 < 低保标准 800.00 元".
	modeSentence
)

// Operator precedence, for parentheses.
const (
	precTernary = iota + 1
	precOr
	precAnd
	precNot
	precCompare
	precAdd
	precMul
	precUnary
	precAtom
)

func leafOp(o op) bool {
	switch o {
	case opConst, opInput, opParam, opRef, opPeriodStart, opPeriodEnd, opPeriodYear, opPeriodMonth:
		return true
	}
	return false
}

// prec is the precedence of n as written.
func prec(n *node) int {
	switch n.op {
	case opCond:
		return precTernary
	case opOr:
		return precOr
	case opAnd:
		return precAnd
	case opNot:
		return precNot
	case opEq, opNe, opLt, opLe, opGt, opGe, opIn:
		return precCompare
	case opAdd, opSub:
		return precAdd
	case opMul, opMulDec, opDiv, opMod:
		return precMul
	case opNeg:
		return precUnary
	case opToDec, opRound:
		return prec(n.a) // written as their operand
	case opFloor, opCeil, opAbs, opMin, opMax, opAgeAt, opMonthsBetween, opYearOf, opMonthOf:
		return precNot // written in words: bracketed inside anything tighter
	}
	return precAtom
}

var symbols = map[op]string{opAdd: " + ", opSub: " − ", opMul: " × ", opMulDec: " × ", opDiv: " ÷ ",
	opEq: " = ", opNe: " ≠ ", opLt: " < ", opLe: " ≤ ", opGt: " > ", opGe: " ≥ "}

// render writes n; outer is the precedence of the context, and n is put in
// parentheses when it binds less tightly.
func (x *explainer) render(n *node, m renderMode, outer int) string {
	if m == modeValues && n.op == opCond {
		// The branch taken, alone.
		if c, ok := x.vals[n.a]; ok {
			if c != 0 {
				return x.render(n.b, m, outer)
			}
			return x.render(n.c, m, outer)
		}
	}
	s := x.renderBare(n, m)
	if p := prec(n); p < outer {
		if p <= precNot { // words: Chinese brackets
			return x.pick("（", "(") + s + x.pick("）", ")")
		}
		return "(" + s + ")"
	}
	return s
}

func (x *explainer) renderBare(n *node, m renderMode) string {
	switch n.op {
	case opToDec, opRound:
		return x.render(n.a, m, prec(n))
	case opConst:
		return x.constText(n, nil)
	case opInput, opParam, opRef, opPeriodStart, opPeriodEnd, opPeriodYear, opPeriodMonth:
		return x.leaf(n, m)
	case opNeg:
		return "−" + x.render(n.a, m, precUnary+1)
	case opNot:
		if v, ok := x.vals[n]; ok && m == modeValues {
			return x.yesNo(v != 0)
		}
		if m == modeSentence && leafOp(n.a.op) { // 非（家庭收入已核对：是）
			return x.pick("非（", "not (") + x.render(n.a, m, precAtom) + x.pick("）", ")")
		}
		return x.pick("非", "not ") + x.render(n.a, m, precAtom)
	case opAnd, opOr:
		word := x.pick("且", "and")
		if n.op == opOr {
			word = x.pick("或", "or")
		}
		// A chain of one word needs no brackets; 且 inside 或 (or the
		// reverse) is bracketed, whatever the precedence says.
		side := func(c *node) string {
			if c.op == n.op {
				return x.render(c, m, prec(n))
			}
			return x.render(c, m, precAnd+1)
		}
		return side(n.a) + " " + word + " " + side(n.b)
	case opAdd, opSub, opMul, opMulDec, opDiv:
		p := prec(n)
		right := p
		if n.op == opSub || n.op == opDiv {
			right = p + 1
		}
		return x.render(n.a, m, p) + symbols[n.op] + x.render(n.b, m, right)
	case opMod:
		return x.pick(x.render(n.a, m, precMul+1)+" 除以 "+x.render(n.b, m, precMul+1)+" 的余数",
			"the remainder of "+x.render(n.a, m, precMul+1)+" ÷ "+x.render(n.b, m, precMul+1))
	case opEq, opNe, opLt, opLe, opGt, opGe:
		if s, ok := x.strCompare(n, m); ok {
			return s
		}
		return x.render(n.a, m, precCompare+1) + symbols[n.op] + x.render(n.b, m, precCompare+1)
	case opIn:
		return x.inText(n, m)
	case opCond:
		cond, a, b := x.render(n.a, m, precTernary+1), x.render(n.b, m, precTernary+1), x.render(n.c, m, precTernary+1)
		return x.pick(cond+"时为 "+a+"，否则为 "+b, a+" if "+cond+", otherwise "+b)
	}
	valueOnly := n.op == opScale || n.op == opCall || n.op == opYearOf || n.op == opMonthOf
	if m == modeValues && valueOnly {
		// A table or a function of the law: its result.
		if v, ok := x.vals[n]; ok {
			return x.value(n.typ, x.unitOf(n), v, nil)
		}
	}
	s := x.call(n, m)
	if m == modeSentence && valueOnly {
		if v, ok := x.vals[n]; ok {
			s += " " + x.value(n.typ, x.unitOf(n), v, nil)
		}
	}
	return s
}

// call writes a function call in words.
func (x *explainer) call(n *node, m renderMode) string {
	arg := func(a *node) string { return x.render(a, m, precAtom) }
	switch n.op {
	case opFloor:
		return x.pick(arg(n.a)+" 向下取整", arg(n.a)+" rounded down")
	case opCeil:
		return x.pick(arg(n.a)+" 向上取整", arg(n.a)+" rounded up")
	case opAbs:
		return x.pick(arg(n.a)+" 的绝对值", "the absolute value of "+arg(n.a))
	case opMin:
		return x.pick(arg(n.a)+" 与 "+arg(n.b)+" 中较小者", "the lesser of "+arg(n.a)+" and "+arg(n.b))
	case opMax:
		return x.pick(arg(n.a)+" 与 "+arg(n.b)+" 中较大者", "the greater of "+arg(n.a)+" and "+arg(n.b))
	case opAgeAt:
		return x.pick(arg(n.a)+" 至 "+arg(n.b)+" 的周岁", "age from "+arg(n.a)+" to "+arg(n.b))
	case opMonthsBetween:
		return x.pick(arg(n.a)+" 至 "+arg(n.b)+" 的月数", "months from "+arg(n.a)+" to "+arg(n.b))
	case opYearOf:
		return x.pick(arg(n.a)+" 的年份", "the year of "+arg(n.a))
	case opMonthOf:
		return x.pick(arg(n.a)+" 的月份", "the month of "+arg(n.a))
	case opScale:
		prm := x.p.params[n.idx]
		return x.pick(x.label(prm.Label)+"（按 "+x.render(n.a, m, 0)+" 查表）", x.label(prm.Label)+" (by "+x.render(n.a, m, 0)+")")
	case opCall:
		args := make([]string, len(n.args))
		for i, a := range n.args {
			args[i] = x.render(a, m, 0)
		}
		l := x.label(x.pk.labels.Functions[n.fn.Name])
		return x.pick(l+"（"+strings.Join(args, "，")+"）", l+" ("+strings.Join(args, ", ")+")")
	}
	return n.src
}

// leaf writes a name: its label, its value, or both.
func (x *explainer) leaf(n *node, m renderMode) string {
	var label string
	var in *Input
	switch n.op {
	case opInput:
		in = x.p.inputs[n.idx]
		label = x.label(in.Label)
	case opParam:
		prm := x.p.params[n.idx]
		if prm.Kind == KindRate {
			// Rates are written by their value, as policy documents
			// write them: "× 1%".
			if v, ok := x.vals[n]; ok {
				return x.value(n.typ, "percent", v, nil)
			}
		}
		label = x.label(prm.Label)
	case opRef:
		label = x.stepLabel(x.p.steps[n.idx])
	default:
		label = x.label(x.pk.labels.Names[n.src])
	}
	v, ok := x.vals[n]
	if m == modeFormula || !ok {
		return label
	}
	val := x.value(n.typ, x.unitOf(n), v, in)
	if m == modeValues {
		return val
	}
	if n.typ == TBool {
		return label + x.colon() + val
	}
	return label + " " + val
}

// constText writes a literal; a str literal by the label of the value of
// the input it is compared with.
func (x *explainer) constText(n *node, in *Input) string {
	switch n.typ {
	case TStr:
		return x.strLabel(x.pk.strs.str(n.k), in)
	case TBool:
		return x.yesNo(n.k != 0)
	case TDec:
		return formatDec(n.k)
	}
	return strconv.FormatInt(n.k, 10)
}

// strLabel is the label of a str value, of input in when known, else of
// any input that has the value.
func (x *explainer) strLabel(s string, in *Input) string {
	if in != nil {
		if l, ok := in.ValueLabels[s]; ok {
			return x.label(l)
		}
	}
	for _, in := range x.p.inputs {
		if l, ok := in.ValueLabels[s]; ok {
			return x.label(l)
		}
	}
	return s
}

// strCompare writes a comparison of a str input with a literal:
// "户籍性质为城镇"; with values "户籍性质为农村，不是城镇".
func (x *explainer) strCompare(n *node, m renderMode) (string, bool) {
	if n.a.typ != TStr || n.a.op != opInput || n.b.op != opConst || (n.op != opEq && n.op != opNe) {
		return "", false
	}
	in := x.p.inputs[n.a.idx]
	label, want := x.label(in.Label), x.constText(n.b, in)
	is, isNot := x.pick("为", " is "), x.pick("不为", " is not ")
	if n.op == opNe {
		is, isNot = isNot, is
	}
	v, ok := x.vals[n.a]
	if m == modeFormula || !ok {
		return label + is + want, true
	}
	got := x.strLabel(x.pk.strs.str(v), in)
	if got == want {
		return label + x.pick("为", " is ") + got, true
	}
	return label + x.pick("为", " is ") + got + x.pick("，不是", ", not ") + want, true
}

// inText writes membership: "离职原因为劳动合同期满终止、…之一".
func (x *explainer) inText(n *node, m renderMode) string {
	var in *Input
	if n.a.op == opInput {
		in = x.p.inputs[n.a.idx]
	}
	opts := make([]string, len(n.set))
	for i, k := range n.set {
		if n.a.typ == TStr {
			opts[i] = x.strLabel(x.pk.strs.str(k), in)
		} else {
			opts[i] = strconv.FormatInt(k, 10)
		}
	}
	list := strings.Join(opts, x.pick("、", ", "))
	subject := x.render(n.a, modeFormula, precCompare+1)
	v, ok := x.vals[n.a]
	if m == modeFormula || !ok {
		return x.pick(subject+"为"+list+"之一", subject+" is one of "+list)
	}
	got := strconv.FormatInt(v, 10)
	if n.a.typ == TStr {
		got = x.strLabel(x.pk.strs.str(v), in)
	}
	if r, ok := x.vals[n]; ok && r != 0 {
		return x.pick(subject+"为"+got+"（属于"+list+"）", subject+" is "+got+" (one of "+list+")")
	}
	return x.pick(subject+"为"+got+"，不属于"+list, subject+" is "+got+", not one of "+list)
}

// value writes a value of type t in unit u for people; in, when given,
// labels the values of a str input.
func (x *explainer) value(t Type, u string, v int64, in *Input) string {
	switch t {
	case TBool:
		return x.yesNo(v != 0)
	case TDate:
		if x.o.YearOnlyDates {
			return yearText(period.Date(v), x.o.Lang)
		}
		return DateText(period.Date(v), x.o.Lang)
	case TStr:
		return x.strLabel(x.pk.strs.str(v), in)
	}
	var num string
	switch u {
	case "yuan":
		fen := v
		if t == TDec { // a dec of fen: to the fen, half away from zero
			fen = money.DivRound(v, DecScale)
		}
		return YuanText(money.Fen(fen), x.o.Lang)
	case "percent":
		if t == TDec {
			return money.Rate(v).String()
		}
		return strconv.FormatInt(v, 10) + "%"
	}
	if t == TDec {
		num = formatDec(v)
	} else {
		num = strconv.FormatInt(v, 10)
	}
	if l, ok := x.pk.labels.Units[u]; ok && l.In(x.o.Lang) != "" {
		return num + " " + l.In(x.o.Lang)
	}
	return num
}

// unitOfStep is a step's unit: its label's, else the one its expression
// computes in.
func (x *explainer) unitOfStep(st *step) string {
	if l, ok := x.p.StepLabel(st.name); ok && l.Unit != "" {
		return l.Unit
	}
	if st.kind == stepAmount && st.root.op == opConst {
		return ""
	}
	return x.unitOf(st.root)
}

func (x *explainer) unitOfInput(in *Input) string {
	if in.Kind == "money" {
		return "yuan"
	}
	return in.Label.Unit
}

func (x *explainer) unitOfParam(prm *Param) string {
	switch kind := prm.Kind; {
	case kind == KindMoney || kind == KindScale && prm.Of == KindMoney:
		return "yuan"
	case kind == KindRate || kind == KindScale && prm.Of == KindRate:
		return "percent"
	}
	return prm.Label.Unit
}

// unitOf infers what a number counts in from the expression: money stays
// money through sums, products with counts and rates, and division by a
// count; a ratio of two moneys is a plain number.
func (x *explainer) unitOf(n *node) string {
	switch n.op {
	case opInput:
		return x.unitOfInput(x.p.inputs[n.idx])
	case opParam, opScale:
		return x.unitOfParam(x.p.params[n.idx])
	case opRef:
		return x.unitOfStep(x.p.steps[n.idx])
	case opToDec, opNeg, opRound, opFloor, opCeil, opAbs, opMod:
		return x.unitOf(n.a)
	case opAdd, opSub, opMin, opMax:
		return joinUnits(x.unitOf(n.a), x.unitOf(n.b))
	case opCond:
		return joinUnits(x.unitOf(n.b), x.unitOf(n.c))
	case opMul, opMulDec:
		a, b := x.unitOf(n.a), x.unitOf(n.b)
		switch {
		case a == "yuan" || b == "yuan":
			return "yuan"
		case a == "percent":
			return b
		case b == "percent":
			return a
		case a != "":
			return a
		}
		return b
	case opDiv:
		a, b := x.unitOf(n.a), x.unitOf(n.b)
		if a == b || b == "yuan" {
			return ""
		}
		return a
	case opAgeAt:
		return "age"
	case opMonthsBetween:
		return "month"
	case opCall:
		return x.pk.labels.Functions[n.fn.Name].Unit
	}
	return ""
}

// joinUnits is the unit of a sum (or min, max, branches) of a and b: money
// if either is, a percentage only if both are, else whichever is known.
func joinUnits(a, b string) string {
	switch {
	case a == "yuan" || b == "yuan":
		return "yuan"
	case a == "percent" || b == "percent":
		if a == b {
			return a
		}
		return ""
	case a != "":
		return a
	}
	return b
}
