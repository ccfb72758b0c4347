package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/exchange"
	"safetynet/internal/exchange/records"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

const accountsUsage = `Usage: safetynet accounts SUBCOMMAND --db DSN [--region CODE] ...
  credit    --period YYYY-MM          credit the personal accounts from a month's payments
  interest  --year YYYY               credit a year's interest to the personal accounts
  statement --person ID [--scheme S]  print a person's personal-account statement
  hardship  --year YYYY               pay the year's premiums for the hardship groups (代缴)
  import-hardship --year YYYY FILE    import civil affairs' hardship list (CSV or XLSX)
  back-pay  --person ID --years Y,Y --tier YUAN   a resident's back payment (补缴)
  upgrade-tier --person ID --year Y --tier YUAN   raise a paid resident year's tier (提档)
  transfer-out --person ID --to REGION --on DATE  move the employee pension out of the jurisdiction (转出)
  transfer-in  --person ID --from REGION --on DATE --balance YUAN --months N [--pooled YUAN]  record an account moved in (转入)`

// accountsSubs are the personal-account commands and their summaries.
var accountsSubs = [][2]string{
	{"credit", "credit the personal accounts from a month's payments"},
	{"interest", "credit a year's interest to the personal accounts"},
	{"statement", "print a person's personal-account statement"},
	{"hardship", "pay the year's premiums for the hardship groups (代缴)"},
	{"import-hardship", "import civil affairs' hardship list (CSV or XLSX)"},
	{"back-pay", "a resident's back payment (补缴)"},
	{"upgrade-tier", "raise a paid resident year's tier (提档)"},
	{"transfer-out", "move the employee pension out of the jurisdiction (转出)"},
	{"transfer-in", "record an account moved in (转入)"},
}

// accountsCommands run the personal-account (个人账户) batch work.
func accountsCommands() []command {
	cs := make([]command, len(accountsSubs))
	for i, sub := range accountsSubs {
		cs[i] = command{name: sub[0], summary: sub[1], run: func(ctx context.Context, e env, args []string) error { return runAccounts(ctx, e, sub[0], args) }}
	}
	return cs
}

// runAccounts runs the personal-account command sub.
func runAccounts(ctx context.Context, e env, sub string, args []string) error {
	fs := newFlags(e, "accounts "+sub, "accounts "+sub+" --db DSN [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	reg := fs.String("region", fs.e.home(), "region subtree")
	var run func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error
	switch sub {
	case "credit":
		fs.synopsis += " --period YYYY-MM"
		per := fs.String("period", "", "the payments' month, YYYY-MM")
		fs.require("period")
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			m, err := period.ParseMonth(*per)
			if err != nil {
				return fmt.Errorf("--period: %w", err)
			}
			start := time.Now()
			sum, err := acc.Credit(ctx, m, code)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "personal-account crediting %s for %s: %d payments, %d entries posted, %d posted before, in %.1f s\n",
				m, code, sum.Payments, sum.Posted, sum.AlreadyPosted, time.Since(start).Seconds())
			fmt.Fprintf(e.stdout, "  contributions %s yuan, subsidies %s yuan\n", sum.Contributions, sum.Subsidies)
			for _, p := range sum.Parameters {
				fmt.Fprintf(e.stdout, "  %s = %s from %s (%s)\n", p.Key, p.Value, p.From, p.Status)
			}
			return nil
		}
	case "interest":
		fs.synopsis += " --year YYYY"
		year := fs.Int("year", 0, "the year, YYYY")
		fs.require("year")
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			start := time.Now()
			sum, err := acc.CreditInterest(ctx, *year, code)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "personal-account interest %d for %s in %.1f s\n", sum.Year, code, time.Since(start).Seconds())
			for _, sc := range []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension} {
				fmt.Fprintf(e.stdout, "  %s: %d accounts credited %s yuan, %d credited before\n", sc, sum.Persons[sc], sum.Interest[sc], sum.AlreadyPosted[sc])
			}
			for _, p := range sum.Parameters {
				fmt.Fprintf(e.stdout, "  %s = %s from %s (%s)\n", p.Key, p.Value, p.From, p.Status)
			}
			return nil
		}
	case "statement":
		fs.synopsis += " --person ID [--scheme S]"
		person := fs.Int64("person", 0, "the person's key")
		scheme := fs.String("scheme", string(insurance.EmployeePension), "employee_pension or resident_pension")
		fs.require("person")
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			st, err := acc.Statement(ctx, registry.PersonID(*person), insurance.Scheme(*scheme))
			if err != nil {
				return err
			}
			printStatement(e, st)
			return nil
		}
	case "hardship":
		fs.synopsis += " --year YYYY"
		year := fs.Int("year", 0, "the contribution year, YYYY")
		fs.require("year")
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			b, err := acc.PayHardshipPremiums(ctx, *year, code)
			if err != nil {
				return err
			}
			if b.ID == 0 {
				fmt.Fprintf(e.stdout, "代缴 %d for %s: nobody new to pay for (%d paid for before)\n", b.Year, code, b.AlreadyPaid)
				return nil
			}
			fmt.Fprintf(e.stdout, "代缴 %d for %s: batch %d, %d persons, %s yuan each, %s yuan in all (%d paid for before)\n",
				b.Year, code, b.ID, b.Persons, b.Amount, b.Total, b.AlreadyPaid)
			count := map[insurance.HardshipGroup]int{}
			for _, it := range b.Items {
				for _, g := range it.Groups {
					count[g]++
				}
			}
			for _, g := range []insurance.HardshipGroup{insurance.GroupSevereDisability, insurance.GroupDibao, insurance.GroupTekun, insurance.GroupLowIncome} {
				fmt.Fprintf(e.stdout, "  %s: %d\n", g, count[g])
			}
			return nil
		}
	case "import-hardship":
		fs.synopsis += " --year YYYY FILE"
		year := fs.Int("year", 0, "the contribution year the list is for, YYYY")
		fs.require("year")
		fs.takesOperands()
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("give one file: accounts import-hardship --year YYYY FILE")
			}
			return importHardship(ctx, e, acc, db, *year, fs.Arg(0))
		}
	case "back-pay":
		fs.synopsis += " --person ID --years Y,Y --tier YUAN"
		person := fs.Int64("person", 0, "the person's key")
		yearList := fs.String("years", "", "the years to back-pay, comma-separated")
		tierText := fs.String("tier", "", "the yearly tier in yuan")
		fs.require("person", "years", "tier")
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			tier, err := money.Parse(*tierText)
			if err != nil {
				return fmt.Errorf("--tier: %w", err)
			}
			var years []int
			for _, f := range strings.Split(*yearList, ",") {
				y, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil {
					return fmt.Errorf("--years: %q is not a year", f)
				}
				years = append(years, y)
			}
			bp, err := acc.BackPay(ctx, registry.PersonID(*person), years, tier)
			if err != nil {
				printProblems(e, err)
				return err
			}
			fmt.Fprintf(e.stdout, "back payment of person %d: %d years at %s yuan, %s yuan in all; %d contribution years now\n",
				bp.PersonID, len(bp.Years), bp.Tier, bp.Total, bp.ContributionYears)
			for _, p := range bp.Payments {
				fmt.Fprintf(e.stdout, "  %d  %s  %s\n", p.Period.Year(), p.ReceiptNo, p.Individual)
			}
			return nil
		}
	case "upgrade-tier":
		fs.synopsis += " --person ID --year Y --tier YUAN"
		person := fs.Int64("person", 0, "the person's key")
		year := fs.Int("year", 0, "the paid year to upgrade")
		tierText := fs.String("tier", "", "the new yearly tier in yuan")
		fs.require("person", "year", "tier")
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			tier, err := money.Parse(*tierText)
			if err != nil {
				return fmt.Errorf("--tier: %w", err)
			}
			up, err := acc.UpgradeTier(ctx, registry.PersonID(*person), *year, tier)
			if err != nil {
				printProblems(e, err)
				return err
			}
			fmt.Fprintf(e.stdout, "tier upgrade of person %d for %d: %s → %s yuan, %s yuan paid, subsidy %s yuan (receipt %s)\n",
				up.PersonID, up.Year, up.Paid, up.Tier, up.Difference, up.Subsidy, up.Payment.ReceiptNo)
			return nil
		}
	case "transfer-out", "transfer-in":
		person := fs.Int64("person", 0, "the person's key")
		onText := fs.String("on", "", "the day of the transfer, YYYY-MM-DD")
		var other, from, balance, pooled *string
		var months *int
		if sub == "transfer-out" {
			fs.synopsis += " --person ID --to REGION --on DATE"
			other = fs.String("to", "", "where the account goes")
			fs.require("person", "to", "on")
		} else {
			fs.synopsis += " --person ID --from REGION --on DATE --balance YUAN --months N [--pooled YUAN]"
			from = fs.String("from", "", "where the account comes from")
			balance = fs.String("balance", "0", "the balance received, in yuan")
			pooled = fs.String("pooled", "0", "the pooled funds received, in yuan")
			months = fs.Int("months", 0, "the contribution months carried")
			fs.require("person", "from", "on")
		}
		run = func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB, code region.Code) error {
			on, err := period.ParseDate(*onText)
			if err != nil {
				return fmt.Errorf("--on: %w", err)
			}
			var t *insurance.Transfer
			if sub == "transfer-out" {
				t, err = acc.TransferOut(ctx, registry.PersonID(*person), *other, on)
			} else {
				bal, perr := money.Parse(*balance)
				if perr != nil {
					return fmt.Errorf("--balance: %w", perr)
				}
				pool, perr := money.Parse(*pooled)
				if perr != nil {
					return fmt.Errorf("--pooled: %w", perr)
				}
				t, err = acc.TransferIn(ctx, registry.PersonID(*person), insurance.TransferInRequest{FromRegion: *from, On: on, Balance: bal, Pooled: pool, Months: *months})
			}
			if err != nil {
				printProblems(e, err)
				return err
			}
			fmt.Fprintf(e.stdout, "transfer %d (%s) of person %d, %s: balance %s yuan, pooled funds %s yuan, %d months\n",
				t.ID, t.Direction, t.PersonID, t.OtherRegion, t.Balance, t.Pooled, t.Months)
			for _, y := range t.Years {
				fmt.Fprintf(e.stdout, "  %d  bases %s  pooled %s  %d months\n", y.Year, y.Base, y.Pooled, y.Months)
			}
			if t.Status == insurance.TransferPending {
				fmt.Fprintf(e.stdout, "pending: above limits.transfer_in.review_above, the account is credited when another user with decision.approve approves it (POST /api/v1/transfers/%d/decision)\n", t.ID)
			}
			return nil
		}
	default:
		fmt.Fprintln(e.stderr, accountsUsage)
		return exitError(2)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	return withAccounts(ctx, e, *dsn, "accounts-"+sub, code, func(ctx context.Context, acc *insurance.Accounts, db *sqlstore.DB) error {
		return run(ctx, acc, db, code)
	})
}

// importHardship reads civil affairs' hardship list and records it; a file
// with any bad row is rejected whole with the row-by-row report.
func importHardship(ctx context.Context, e env, acc *insurance.Accounts, lookup insurance.PersonLookup, year int, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, _, err := exchange.Read(ctx, f, file, exchange.HardshipIdentities(), e.site.clock().Today())
	if err != nil {
		printProblems(e, err)
		return err
	}
	imp, err := acc.ImportHardship(ctx, lookup, year, filepath.Base(file), records.HardshipRecords(rows))
	if err != nil {
		printProblems(e, err)
		return err
	}
	fmt.Fprintf(e.stdout, "hardship list %s for %d: %d rows, %d identities added, %d known before\n", filepath.Base(file), year, imp.Rows, imp.Added, imp.Known)
	return nil
}

// printProblems lists the row-by-row problems of a rejected file.
func printProblems(e env, err error) {
	fields := fault.FieldsOf(err)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(e.stderr, "  %s: %s\n", k, fields[k])
	}
}

// withAccounts opens the store and runs fn with the accounts service as a
// system process over the region.
func withAccounts(ctx context.Context, e env, dsn, process string, code region.Code, fn func(context.Context, *insurance.Accounts, *sqlstore.DB) error) error {
	a, ctx, err := openApp(ctx, e, dsn, process)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal(process, code))
	return fn(ctx, a.Accounts, a.Store)
}

// printStatement writes a statement as text.
func printStatement(e env, st *insurance.Statement) {
	fmt.Fprintf(e.stdout, "personal-account statement of person %d (%s), %s\n", st.PersonID, st.Name, st.Scheme)
	fmt.Fprintf(e.stdout, "  balance %s yuan (public money %s), %d contribution months, %d contribution years\n",
		st.Balance, st.Government, st.ContributionMonths, st.ContributionYears)
	tw := newTable(e.stdout, true)
	fmt.Fprintln(tw, "year\topening\tcontributions\tsubsidies\t代缴\tback pay\tinterest\ttransfers\trefunds\tclosing\tmonths\t")
	for _, y := range st.Years {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", y.Year, y.Opening, y.Contributions, y.Subsidies, y.Hardship,
			y.BackPayments, y.Interest, y.Transfers, y.Refunds, y.Closing, strconv.Itoa(y.Months))
	}
	tw.Flush()
}
