package exchange

// BankReturn returns the profile of a bank's return file (回盘文件) of a
// payment batch: one line per line of the bank file sent, with the
// reference the file gave it, whether it was paid, and the reason when not.
//
// Columns: 业务参考号 reference, 处理结果 result (成功 / 失败, also 已入账 /
// 退回 and the like: paid or failed), 失败原因 reason (optional), 金额(元)
// amount (optional, checked by the payment service when given). The key:
// a reference may not appear twice.
func BankReturn() Profile {
	return Profile{
		Name:  "bank_return",
		Title: "银行回盘文件",
		Fields: []Field{
			{Name: "reference", Kind: Text, Required: true, MaxLen: 40, Headers: []string{"业务参考号", "参考号", "流水号", "交易参考号"}},
			{Name: "result", Kind: Enum, Required: true, Headers: []string{"处理结果", "结果", "交易状态", "状态"},
				Values: map[string]string{"成功": "paid", "已入账": "paid", "入账成功": "paid", "失败": "failed", "退回": "failed", "入账失败": "failed"}},
			{Name: "reason", Kind: Text, MaxLen: 200, Headers: []string{"失败原因", "原因", "备注"}},
			{Name: "amount", Kind: Money, Headers: []string{"金额(元)", "金额", "交易金额"}},
		},
		Key: []string{"reference"},
		CheckFunc: func(r Row) (string, string) {
			if r.Code("result") == "failed" && r.Text("reason") == "" {
				return "reason", "a failed line gives the bank's reason"
			}
			return "", ""
		},
	}
}

// BankFileHeader is the header of a bank file of a payment batch (代发文件):
// line, account, account holder, amount in yuan, reference, memo.
var BankFileHeader = []string{"序号", "账号", "户名", "金额(元)", "业务参考号", "摘要"}
