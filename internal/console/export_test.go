package console

// Translate returns the zh-CN and English texts of key, for the tests.
func Translate(key string) (zh, en string) { return translate(ZH, key), translate(EN, key) }
