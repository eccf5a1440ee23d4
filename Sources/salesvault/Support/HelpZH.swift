import ArgumentParser
import Foundation
import SalesArchive

/// Help and usage errors in Chinese (issue 12): swift-argument-parser has no localisation, so the
/// help it renders from the commands' metadata (unwrapped) is rendered again with Chinese texts:
/// section titles, every command's abstract and every option's help that has a Chinese text
/// (what has none stays as written); usage errors are translated and keep exit status 64.
enum HelpZH {
    /// The help of the command named by `words` (the subcommand path), in Chinese.
    static func help(for words: [String]) -> String {
        let (command, path) = self.command(for: words)
        var lines = SalesVault.helpMessage(for: command, columns: 10_000).components(separatedBy: "\n")
        // The notes and examples between the overview and the usage line, when written in Chinese.
        if let zh = discussions[path.joined(separator: " ")], let usage = lines.firstIndex(where: { $0.hasPrefix("USAGE: ") }), usage >= 1 {
            lines.replaceSubrange(1..<usage, with: [""] + zh.components(separatedBy: "\n") + [""])
        }
        return translate(lines.joined(separator: "\n"))
    }

    /// The command that `words` name (as far as they name subcommands) and those words.
    static func command(for words: [String]) -> (command: ParsableCommand.Type, path: [String]) {
        var command: ParsableCommand.Type = SalesVault.self
        var path: [String] = []
        for w in words {
            guard let sub = command.configuration.subcommands.first(where: { $0._commandName == w }) else { break }
            command = sub
            path.append(w)
        }
        return (command, path)
    }

    /// Commands' notes and examples in Chinese, by command path ("" is salesvault itself).
    static let discussions: [String: String] = [
        "": """
            每份档案是一个加密文件（数据用随机数据密钥以 AES-256-GCM 加密，数据密钥再由您的密码经 scrypt
            派生的密钥加密保护）。密码从不写在命令行上：在终端输入，脚本则用 --password-file 或 --password-fd。

            示例
              salesvault init zhangwei.svault --owner 张伟
              salesvault status zhangwei.svault
              salesvault agenda -a zhangwei.svault
              salesvault passwd zhangwei.svault

            退出状态
              0   成功
              1   其他错误（读写出错、磁盘已满、没有权限、内存不足）
              2   文件有问题：要读取的文件不存在、要写入的文件已存在、文件过大无法导入、
                  不是 SalesVault 档案或档案版本不受支持；给出的是文件夹、管道或设备文件而不是
                  普通文件；输出文件所在的文件夹不存在
              3   密码错误（或托管密钥在档案中没有对应的槽，或 unseal 时密钥、口令打不开 age 文件）
              4   档案损坏或被篡改（详见提示），包括所有人签名不符（有人利用数据密钥改动了档案）；
                  escrow verify 与 compliance --verify 完整校验未通过时也是 4
              5   档案正被另一个 salesvault 进程使用
              6   须先修复一次未完成的保存（salesvault repair）
              7   新密码不被接受（太弱、是最近 5 个之一或两次输入不一致），或须先修改密码（托管重置之后）
              8   输入不被接受：记录找不到或不唯一、取值、日期或办理步骤不对；档案未被改动
              9   合规检查：有档案密码逾期、超期从未更换、日期在未来或早于档案创建、缺少托管、须更换数据密钥、密码保护强度不足或无法读取
              64  命令行用法错误
            """,
        "escrow check-share": """
            您的份额与档案的承诺值一致时，退出状态为 0：再加上任意 k-1 位份额同样一致的经理，
            即可还原同一个秘密。不一致时退出状态为 4（托管份额分发有误或已被改动，请告知部门管理员）。
            份额无法核验时（由旧版本写入）退出状态为 1，请档案所有人运行 salesvault escrow update 或 salesvault rekey。
            解出数据密钥、核验档案头须 k 位经理共同进行：escrow open，或用 k 把密钥运行 compliance --verify。
            """,
        "customer": """
            客户等级（制度 6.1）：A 重要客户（1 个月内可签约或开始投标），B 意向客户（2–3 个月），
            C 潜力客户（3–6 个月，尚无明确日期），D 发展客户（有项目规划，我公司有机会参与），未评级。
            调整等级须注明原因（--reason）。用名称的任一部分或别名都能找到客户（customer edit --alias 浦发）。

            示例
              salesvault customer add 华为技术有限公司 --grade B --industry 通信 -a zhangwei.svault
              salesvault customer grade 华为 A --reason "招标文件已发布" -a zhangwei.svault
              salesvault customer edit 上海浦东发展银行 --alias 浦发
              salesvault customer list --grade A,B -a zhangwei.svault
            """,
        "contact": """
            联系人的个人背景（学历、家庭、爱好）是档案中最敏感的信息：列表中默认隐藏，加 --include-secret 才显示。

            示例
              salesvault contact add 华为 王敏 --title 采购经理 --role 决策者 --attitude 支持
              salesvault contact edit 王敏 --set background="清华大学毕业，喜欢围棋"
              salesvault contact list 华为
              salesvault contact restore R3 --reason 重新入职
            """,
        "log": """
            跟进方式：电话、拜访、活动、会议、售前支持、邮件、微信/IM、其他（中英文均可）。
            日期可写 2026-12-03、2026/12/3、2026年12月3日，也可写 今天、明天、后天、下周三、3天后、+3d。
            只写日期的 --at 记为当天 09:00（若今天还没到 9 点则记为现在）；也可以带上时间，
            如 --at "2026-12-03 15:00"、--at 昨天下午3点；只写 15:30 表示今天 15:30。不能登记以后的时间。
            记错了用 log edit 更正、log remove 删除，原内容和原因都保留在变更历史中。

            示例
              salesvault log add 华为 拜访 "介绍解决方案，客户关注交付周期" --with 王敏 --next-step 发报价 --next-date 下周三
              salesvault log list 华为
              salesvault log edit L40 --next-date 后天 --reason "客户改约"
              salesvault log remove L41 --reason "重复录入"
            """,
        "project": """
            销售阶段（制度 7.1）：1 信息开发，2 项目立项，3 招投标，4 商务谈判，5 合同签订与执行；之后为
            赢单、丢单或放弃。进入下一阶段无需说明；退回、跳过阶段、以丢单或放弃关闭、重新启动须注明原因（--reason）。

            示例
              salesvault project add 华为 "园区网络改造" --budget 300万 --expected-sign 2027-01-15
              salesvault project stage 园区 2
              salesvault project stage 园区 1 --reason "客户预算冻结"
            """,
        "complaint": """
            登记（file）→ 通报（route，销售经理和销售总监都须通报）→ 处理（resolve，协调人不能是被投诉人）
            → 满意度回访（survey）。尚未处理完的投诉可以撤诉或认定不成立（withdraw，须注明原因）。

            示例
              salesvault complaint file 华为 --about "售后部 李强" --description "上门维修迟到两天"
              salesvault complaint route TS-2026-0001 --manager --director
              salesvault complaint resolve TS-2026-0001 --coordinator 刘经理 --resolution "更换工程师并致歉"
              salesvault complaint survey TS-2026-0001 --satisfaction 满意
              salesvault complaint withdraw TS-2026-0002 --reason "客户来电撤诉，误会已澄清"
              salesvault complaint withdraw TS-2026-0003 --unfounded --reason "经核实，工程师按时到场"
            """,
        "agenda": """
            今日待办：已逾期和今天要跟进的客户（按各客户的下次跟进日期），再列本周余下几天（或 --days N 天内）；
            30 天内预计投标、签约的项目；已处理、待回访的投诉；超期未联系的 A 类（默认 7 天）和 B 类（默认 14 天）
            客户，间隔以部门规定为准（dept policy --contact-a/--contact-b），与周报的风险预警同一规则；以及最近预计日期与等级不符的客户（制度 6.1）。shell 打开时先显示它。

            示例
              salesvault agenda
              salesvault agenda --days 14 --ics 跟进.ics
            """,
        "history": """
            示例
              salesvault history --since 2026-11-23
              salesvault history 华为 --since 上周一 --json
            """,
        "search": """
            示例
              salesvault search 交付周期
              salesvault search huawei --json
            """,
        "stale": """
            示例
              salesvault stale --days 14
            """,
        "shell": """
            输入与命令行相同的命令，但不写 salesvault 和档案：customer list、log add 华为 电话 "…"、
            history --since 今天（粘贴带 salesvault 的整条命令也可以）。打开时先显示今日待办。exit 或 Ctrl-D 退出并清除密钥。命令也可以从标准输入读入（脚本）。

            示例
              salesvault shell zhangwei.svault
              printf 'agenda\\nstale --days 7\\n' | salesvault shell zhangwei.svault --password-file pw.txt
            """,
        "undo": """
            每次更改都是一个批次，有编号（如 B1234），history 中可以看到。撤销是把反向更改另存为一个新批次，
            所以什么都不会被抹掉，撤销本身也可以再撤销。之后若有更改动过同样的字段，撤销会被拒绝，什么也不写。

            示例
              salesvault history --since 2026-11-23
              salesvault undo B42 --dry-run
              salesvault undo B42
            """,
        "dept rotate-admin": """
            现任管理员密钥（--admin-key）签署一份交接声明，指定新密钥（--new-admin-key，文件不存在时自动生成）
            以及新密钥开始签名的版本号；部门名册的下一个版本带上这份声明，并由新密钥签名。信任原密钥的档案
            会认可这份声明：向所有人显示新指纹，并在其下次修改档案时改为信任新密钥。此后原密钥签署的名册
            一律不被接受：请将原密钥离线保存或销毁。密钥可能被盗时，交接并不能吊销它（DEPARTMENT.md §3.7）。

            示例
              salesvault dept rotate-admin 华东销售部 --admin-key admin.key --new-admin-key admin-2027.key
            """,
        "customer remove": """
            客户名下的联系人、项目、跟进记录和已结案的投诉随客户一并移除。整个操作记为一次更改，
            可用 salesvault undo 一次性恢复。客户还有未结案的投诉（尚未回访或撤销）时，不能移除；
            还有进行中的项目（未赢单、丢单或放弃）时，须用 --reason 注明原因。

            示例
              salesvault customer remove C12 --reason "客户已注销"
              salesvault customer remove 华为技术有限公司
            """,
        "customer grade": """
            制度 6.2（2）：每次调整等级，连同调整结果和存在的问题，都要写入工作汇报。--result 和 --problem
            可以在调整等级时一并填写，也可以事后补充（补充时不写新等级）。

            示例
              salesvault customer grade 华东电力 A --reason "已确认 12 月招标" --result "已入围" --problem "价格压力大"
              salesvault customer grade 华东电力 --result "技术交流通过" --problem "对方预算未批"
            """,
        // The archive itself
        "init": """
            密码在终端输入两次（或用 --password-file / --password-fd 读取）。
            密码至少 10 个字符（汉字按 2 个计），不能是常见密码，也不能是您的姓名。
            scrypt 成本按本机校准（约 0.5–1 秒）。

            示例
              salesvault init zhangwei.svault --owner 张伟
              salesvault init test.svault --owner Test --password-file pw.txt --insecure-kdf-cost 10
              salesvault init --department 华东销售部 --owner 张伟   （即 archives/张伟.svault，含托管）
            """,
        "status": """
            只读取明文的档案头，所以不需要密码。这里显示的内容未经认证，要用密码核验请运行 verify。
            密码已用天数按部门时区的日历日计算（默认 Asia/Shanghai）。
            档案被截断时退出状态为 4，加不加 --json 都一样。

            示例
              salesvault status zhangwei.svault
              salesvault status zhangwei.svault --json
            """,
        "verify": """
            核验密码、两个档案头副本和每一条记录。只有全部真实、完整，退出状态才为 0。

            示例
              salesvault verify zhangwei.svault
              salesvault verify zhangwei.svault --password-file pw.txt
            """,
        "passwd": """
            先输入当前密码，再输入两次新密码。改密码很快，与档案大小无关。
            注意：档案的旧副本（备份、邮件附件）仍能用旧密码打开。如怀疑旧密码已泄露，改完后请再运行
            salesvault rekey，这样即使有人用旧副本拿到了数据密钥，也打不开现在的档案；旧副本请自行删除。

            示例
              salesvault passwd zhangwei.svault
              salesvault passwd zhangwei.svault --password-file old.txt --new-password-file new.txt
            """,
        "rekey": """
            更换后，即使有人通过旧副本或旧密码拿到过数据密钥，也打不开现在的档案。密码不变。
            旧副本仍能用旧密码打开，请自行删除。更换中途中断也不会损坏档案。

            示例
              salesvault rekey zhangwei.svault
            """,
        "repair": """
            程序崩溃或磁盘写满后，档案末尾可能留下一段没有完成的保存，或有一个档案头副本已经过时。
            repair 先说明要做什么，请您确认，再把整个文件复制为 ARCHIVE.backup-DATE，然后修复。

            示例
              salesvault repair zhangwei.svault
              salesvault repair zhangwei.svault --yes --password-file pw.txt
            """,
        // Import, export, reports
        "import": """
            先显示预览：哪些新增、哪些更新、哪些无变化、哪些跳过或无法导入，
            每个问题都注明所在的行、列和取值。导入要么全部成功，要么一行也不导入：
            只要有一行有问题，就全部不导入（加 --only-valid 则只导入没有问题的行）；
            整次导入保存为一次更改，可用 salesvault undo 撤销。
            文件编码自动识别（UTF-8、UTF-16，以及中文版 Excel 保存 CSV 时用的 GB18030/GBK）。
            加了密码的工作簿（Excel、WPS、LibreOffice）只在内存中解密：密码在终端询问（输入时屏幕上不显示），
            或用 --workbook-password-file 读取。

            批量修改档案记录：先导出（XLSX 或 JSON），在文件中修改，
            再加 --on-duplicate update 导入。各行按“记录号”找到档案中的原记录
            直接修改（包括改名），不会重复新增；新增的记录请把“记录号”留空。
            请勿改动“记录号”列和“说明”工作表。只有从本档案导出的文件才按记录号对应。

            示例
              salesvault import 客户.xlsx -a 张伟.svault --dry-run
              salesvault import 导出.xlsx -a 张伟.svault --on-duplicate update
              salesvault import 客户档案.xlsx -a 张伟.svault --workbook-password-file 工作簿密码.txt
              salesvault import 客户.csv -a 张伟.svault --rejects 未导入.csv
              salesvault import 旧客户.csv -a 张伟.svault --on-duplicate skip
              salesvault import --template all --out 导入模板.xlsx
            """,
        "export": """
            加 --encrypt 时，工作簿用您设定的密码加密（AES-256，与 Excel 2010 及以后版本相同；Excel、WPS 和
            LibreOffice 输入密码即可打开），未加密的内容不会写到硬盘上。密码请另行告知收件人，切勿随文件一起发送，
            也不要用档案密码。
            文件只有您本人（当前电脑账户）能打开，并且一次写完，中途出错也不会留下半个文件；
            文件已存在时，只有加 --force 才会覆盖。绝密字段（联系人个人背景）只有加 --include-secret 才导出。每次导出都记入档案（导出了什么、多少行、
            文件的 SHA-256）；经理通过托管导出，记为一次托管访问。

            示例
              salesvault export -a 张伟.svault                          （全部内容，一个工作簿）
              salesvault export -a 张伟.svault --kind customers --format csv --out 客户.csv
              salesvault export -a 张伟.svault --format csv --kind log --encoding gb18030
              salesvault export -a 张伟.svault --encrypt --out 张伟-客户档案.xlsx     （会询问工作簿密码）
              salesvault escrow open 张伟.svault --identity 李经理.key -- export --out 张伟-交接.xlsx
            """,
        "report": """
            制度 6.5（6）：每周五把本周的档案报送总经理和销售总监，本周新增的内容用颜色标出。

            示例
              salesvault report weekly -a 张伟.svault                      （本周，XLSX 文件）
              salesvault report weekly -a 张伟.svault --week 2026-W48 --format html --out 周报.html
              salesvault report submit -a 华东销售部/archives/张伟.svault   （加密提交给经理）
              salesvault report department 华东销售部 --identity 王总.key
            """,
        "report weekly": """
            周次按 ISO 周计（周一至周日），以部门时区为准（部门没有另行规定时为 Asia/Shanghai）；
            周报内容取自档案的变更历史。附录是截至周末的档案：本周新增的行标为绿色，本周修改的单元格标为黄色，
            另有“本周变更”一列（新增 / 修改），便于黑白打印。
            正式提交周报请用 report submit：它把周报加密发给经理。

            加 --encrypt 时，工作簿用您设定的密码加密（AES-256，与 Excel、WPS 相同），供用 Excel 而不是
            salesvault unseal 打开周报的经理使用；明文只在内存中。密码请另行告知，切勿随文件一起发送。

            示例
              salesvault report weekly -a 张伟.svault
              salesvault report weekly -a 张伟.svault --week 2026-W48 --format html --out 周报.html
              salesvault report weekly -a 张伟.svault --encrypt --out 周报-给王总.xlsx
            """,
        "report submit": """
            周报（XLSX 和 HTML，另附一份供部门汇总用的摘要）在内存中用部门总经理和销售总监（或部门规定的
            其他接收职务）的公钥加密，写到 <department>/reports/<week>/ 下，明文不落盘。提交的内容就此固定：
            其 SHA-256 记入您档案的变更历史；再次提交会在旁边另存一个新版本。

            示例
              salesvault report submit -a 华东销售部/archives/张伟.svault
              salesvault report submit -a 华东销售部/archives/张伟.svault --week 2026-W48
            """,
        "report department": """
            每名销售人员：按时提交、逾期提交还是未提交，新增客户、等级调整、跟进次数、在谈项目、未结案投诉；
            部门销售漏斗；未提交周报的人员；同时出现在多名销售人员周报中的客户（撞单）。

            示例
              salesvault report department 华东销售部 --identity 王总.key
              salesvault report department 华东销售部 --week 2026-W48 --identity 王总.key --out 汇总.xlsx
            """,
        // Managers' keys, the department, escrow, compliance
        "keys": """
            经理的密钥是 age 编码的 X25519 身份（公钥 age1…，私钥 AGE-SECRET-KEY-1…）。私钥文件本身就是
            用口令加密的 age 文件：age -d 姓名.key 可输出其中的身份。把密钥加入部门之前，请先打电话核对指纹。

            示例
              salesvault keys generate 李经理 --dir keys
              salesvault keys import my-age-key.txt --name 王总
              salesvault keys show keys/李经理.pub
            """,
        "keys import": """
            该文件可以是未加密的（即 age-keygen 直接生成的），也可以是已用 age 口令加密过的。
            """,
        "dept": """
            department.json 由管理员的 Ed25519 密钥签名（签名在 department.sig 中），每次修改都重新签名。
            档案在创建时固定这把密钥，不接受未经它签名的名册。

            示例
              salesvault dept init 华东销售部 --name 华东区销售部 --admin-key admin.key
              salesvault dept add-manager 华东销售部 李经理 --pub keys/李经理.pub --role 部门经理 --admin-key admin.key
              salesvault dept add-salesperson 华东销售部 张伟 --admin-key admin.key
              salesvault dept policy 华东销售部 --threshold 2 --admin-key admin.key
              salesvault dept enroll 华东销售部 张伟 --admin-key admin.key
              salesvault dept show 华东销售部
              salesvault dept rotate-admin 华东销售部 --admin-key admin.key --new-admin-key admin-2027.key
            """,
        "dept enroll": """
            销售人员在部门中创建档案时，SalesVault 会自动写入登记申请；经托管重置密码、启用新的签名密钥后，会再次写入。
            确认登记前，请把屏幕上显示的指纹与销售人员在 salesvault status 中看到的指纹核对。参见 DEPARTMENT.md §3.8。
            """,
        "dept set-signing-key": """
            适用于签名公钥出现之前就已登记的经理：用 salesvault keys show 姓名.key 可查看其签名公钥。
            """,
        "dept audit": """
            逐行核验：经理的签名、名册中登记的该经理签名公钥、日志各行的前后衔接，以及档案中对应的调阅记录。
            日志记载的调阅在档案中找不到、有任何一行核验不通过，或日志超过 64 MiB（被人为填充）时，退出状态为 4；
            日志无法读取时退出状态为 1。

            示例
              salesvault dept audit 华东销售部
              salesvault dept audit 华东销售部 张伟
            """,
        "dept add-manager": """
            新经理要等档案所有人下次运行 salesvault escrow update 后，才能访问其档案
            （不会在所有人不知情时授权）。
            """,
        "dept policy": """
            --threshold 1：任一经理都可单独调阅档案（默认）。
            有两名经理时设 --threshold 2：须两人共同调阅（双人控制）。
            定期更换密码：改密码 --remind-days 天后开始提醒（默认 90），--overdue-days 天后算逾期（默认 180）；
            或用 --no-periodic-rotation 不要求定期更换。天数按部门时区的日历日计算：--time-zone 后跟 IANA 名称
            （默认 Asia/Shanghai），与运行命令的机器所在时区无关。
            salesvault unlock：--unlock-for（默认 8h，最长 24h）和 --unlock-idle（默认 15m）既是默认值，
            也是销售人员可选的上限。--contact-a 和 --contact-b：A 类、B 类客户超过多少天未联系，
            就列入今日待办和周报的风险预警（默认 7 天和 14 天）。

            示例
              salesvault dept policy 华东销售部 --remind-days 90 --overdue-days 180 --admin-key admin.key
              salesvault dept policy 香港销售部 --time-zone Asia/Hong_Kong --admin-key admin.key
              salesvault dept policy 华东销售部 --unlock-for 4h --unlock-idle 10m --admin-key admin.key
              salesvault dept policy 华东销售部 --contact-a 5 --contact-b 10 --admin-key admin.key
            """,
        "escrow": """
            每次使用都会记入档案，档案所有人下次解锁时会看到。

            示例
              salesvault escrow list archives/张伟.svault
              salesvault escrow open archives/张伟.svault --identity 李经理.key -- customer list --grade A
              salesvault escrow open archives/张伟.svault --identity 李经理.key --identity 王总.key   （2-of-2：进入 shell）
              salesvault escrow open archives/张伟.svault --identity 李经理.key --keep 10m   （由会话代理保留）
              salesvault escrow open archives/张伟.svault --manager 李经理 -- customer list   （保留期间无需密钥）
              salesvault escrow verify archives/张伟.svault --identity 李经理.key   （完整校验，不记录）
              salesvault escrow reset-password archives/张伟.svault --identity 李经理.key
              salesvault escrow update archives/张伟.svault          （经理有变动后，由档案所有人运行）
              salesvault escrow check-share archives/张伟.svault --identity 李经理.key   （k-of-n：单独核验自己的份额）
            """,
        "escrow open": """
            在 -- 之后写一条要执行的只读命令（customer list、history、search 等）；不写则进入只读 shell。
            --keep 10m：让会话代理把这次托管访问（仅限单个经理的密钥）保留一段时间（默认 10m，不超过部门规定的
            闲置时限，且最长 1 小时）；在此期间，escrow open ARCHIVE --manager NAME -- COMMAND 无需密钥即可执行
            只读命令。每次使用照样记入档案；salesvault lock ARCHIVE 立即撤销这项访问。
            """,
        "escrow verify": """
            用您的托管槽给出的数据密钥认证两个档案头副本（两者必须一致），按档案头登记的大小核对文件大小，
            并从第一条记录起逐条认证（含快照）。不显示档案内容，也不写入任何东西，因此不记为托管访问。
            全部真实时退出状态为 0；档案被改动或损坏时为 4（并说明原因）；您的密钥在档案中没有托管槽时为 3。

            示例
              salesvault escrow verify archives/张伟.svault --identity 李经理.key
              salesvault escrow verify archives/张伟.svault --identity 李经理.key --identity 王总.key   （2-of-n）
            """,
        "escrow update": """
            托管门限或份额持有人有变化时，须更换数据密钥：update 会接着执行一次 rekey。
            """,
        "compromised": """
            文件的旧副本（备份、邮件附件）仍能用旧密码和旧数据密钥打开，这一点无法改变。从现在起，
            这个文件要用新密码打开，新的数据密钥也会重新为部门的托管人加密保存。
            """,
        "compliance": """
            只读取档案头。全部合规时退出状态为 0；有档案密码逾期、超期从未更换、密码或数据密钥的更换日期在未来
            或早于档案创建、缺少托管、须更换数据密钥、密码保护强度不足或无法读取时为 9；只是“应更换”不算不合规。
            加 --verify 时，还会用您的托管密钥对每个档案做完整校验（两个档案头副本、文件大小、每一条记录）：
            有档案被改动或损坏时为 4。每个档案的所有人签名都会核验，无需任何密钥（读取签名所涵盖的记录）：
            签名无效时为 4（无论是否加 --verify）；未签名或签名密钥未登记时为 9。适合放进 cron 定时运行。

            天数按部门时区的日历日计算（dept policy --time-zone，默认 Asia/Shanghai），与本机时区无关：
            --as-of 给出的日期就按这个日历日计，不做时区换算。

            示例
              salesvault compliance 华东销售部
              salesvault compliance 华东销售部 --as-of 2027-03-31 --csv > rotation.csv
              salesvault compliance 华东销售部 --verify --identity 李经理.key
            """,
        "reminders": """
            按部门规定，在每个档案的提醒日和逾期日各生成一个全天事件。再次导入该文件会更新这些事件（UID 不变）。

            示例
              salesvault reminders --ics 华东销售部 --output rotation.ics
              salesvault reminders --ics zhangwei.svault
            """,
        "unseal": """
            可以打开用 age -r、age -p 或 age -a 生成的文件，以及 SalesVault 自己生成的 age 文件。
            加密给密钥的文件须用 --identity 指定密钥：经理的密钥文件（姓名.key，其口令在终端询问，
            或用 --passphrase-file 读取），或 age-keygen 生成的身份文件。
            用口令保护的文件，口令在终端询问，或用 --password-file、--password-fd 读取。
            明文写到 --out 指定的文件（新文件，权限 0600，一次写成）；
            不加 --out 时写到标准输出，但标准输出不能是终端。
            整个文件通过认证后才会写出内容。

            示例
              salesvault unseal report.xlsx.age --identity wang.key --out report.xlsx
              salesvault unseal notes.txt.age --out notes.txt
              salesvault unseal data.age --identity key.txt > data.csv
            """,
        // The session agent
        "unlock": """
            只输入一次密码，照常显示各项提醒，然后把解锁的档案交给您的会话代理（您自己的一个后台进程，
            把档案保存在锁定内存中）。此后，直到您运行 salesvault lock、档案闲置达到 --idle 或过了 --for
            的时长，您在自己的任何终端上对该档案运行 customer、contact、log、project、complaint、history、
            search、stale、undo、import、export 和 report 命令都无需密码。passwd、rekey、compromised 和 escrow
            仍每次都要输入密码。部门档案的默认时长和最长可选时长由部门规定（见 salesvault dept show）。

            示例
              salesvault unlock zhangwei.svault              # 早上：解锁 8 小时
              salesvault unlock zhangwei.svault --for 2h --idle 30m
              salesvault lock                                 # 下班时（或 lock --all）
            """,
        "lock": """
            不写 ARCHIVE 时，锁定 $SALESVAULT_ARCHIVE 指定的档案。加 --all 则锁定会话代理保管的所有档案，
            随后会话代理退出。

            示例
              salesvault lock zhangwei.svault
              salesvault lock --all
            """,
        "agent": """
            会话代理由 salesvault unlock 启动，没有已解锁的档案时自动退出（见 Docs/AGENT.md）。

            示例
              salesvault agent
              salesvault agent --json
            """,
    ]

    /// The help words of a command line (`--help`, `-h`, `help X Y`), or nil when it asks for none.
    static func helpRequest(_ arguments: [String]) -> [String]? {
        if arguments.isEmpty { return [] }  // `salesvault` alone shows its help
        if arguments.first == "help" { return Array(arguments.dropFirst()) }
        // A group alone (`salesvault customer`): its help, as the parser shows it, in Chinese
        // (it was the parser's English: helper-98).
        if let group = UnknownCommand.command(named: arguments, root: SalesVault.self), group != SalesVault.self,
           !group.configuration.subcommands.isEmpty {
            return arguments
        }
        guard arguments.contains("--help") || arguments.contains("-h") else { return nil }
        return Array(arguments.prefix { !$0.hasPrefix("-") })
    }

    /// English help text with every known line in Chinese, re-wrapped to the terminal's width.
    static func translate(_ english: String) -> String {
        var out: [String] = []
        for line in english.components(separatedBy: "\n") {
            out.append(translateLine(line))
        }
        return out.joined(separator: "\n")
    }

    static func translateLine(_ line: String) -> String {
        if let t = headings[line] { return t }
        if line.hasPrefix("OVERVIEW: ") { return "概述：" + text(String(line.dropFirst(10))) }
        if line.hasPrefix("USAGE: ") { return "用法：" + line.dropFirst(7).replacingOccurrences(of: "<subcommand>", with: "<子命令>") }
        if line.hasPrefix("  See '"), line.contains("for detailed help") { return "  查看某个子命令的详细说明：salesvault help <子命令>" }
        // An option or argument line: "  -a, --archive <file>   The archive file…": the help starts
        // at column 26 (after one space when the names fill the column), else after two spaces.
        let chars = Array(line)
        // The help of an option whose names fill the column, on the next line, indented 26.
        if chars.count > 26, chars[..<26].allSatisfy({ $0 == " " }), chars[26] != " " {
            return String(chars[..<26]) + text(String(chars[26...]))
        }
        if line.hasPrefix("  "), chars.count > 26, chars[25] == " ", chars[26] != " ", !String(chars[2..<25]).trimmingCharacters(in: .whitespaces).isEmpty,
           !String(chars[2..<25]).contains("  ") || chars[24] != " " {
            return String(chars[..<26]) + text(String(chars[26...]))
        }
        if line.hasPrefix("  "), let range = line.range(of: "  ", options: [], range: line.index(line.startIndex, offsetBy: 2)..<line.endIndex) {
            let head = line[..<range.lowerBound]
            let rest = line[range.lowerBound...]
            let spaces = rest.prefix { $0 == " " }
            let help = String(rest.dropFirst(spaces.count))
            guard !head.trimmingCharacters(in: .whitespaces).isEmpty, !help.isEmpty else { return line }
            return String(head) + spaces + text(help)
        }
        return line
    }

    /// A help text in Chinese: exact, or with its "(default: …)" and "(values: …)" kept.
    static func text(_ english: String) -> String {
        if let t = texts[english] { return t }
        if let r = english.range(of: " (values: ", options: .backwards), english.hasSuffix(")") {
            // "a, b, c; default: b" → "a、b、c；默认：b"
            let inner = english[r.upperBound...].dropLast()
            let parts = inner.components(separatedBy: "; default: ")
            let values = parts[0].components(separatedBy: ", ").joined(separator: "、")
            return text(String(english[..<r.lowerBound])) + "（可选值：" + values + (parts.count > 1 ? "；默认：" + parts[1...].joined(separator: "; default: ") : "") + "）"
        }
        for (suffix, zh) in [(" (default: ", "（默认："), (" (values: ", "（可选值：")] {
            // (The last: a text that names its default and the parser's after it read
            // “…（默认：the current one). (default: .）”: helper-179.)
            if let r = english.range(of: suffix, options: .backwards), english.hasSuffix(")") {
                let base = String(english[..<r.lowerBound])
                var value = String(english[r.upperBound...].dropLast())
                let said = text(base)
                // (A default the text already names is not said twice; 10.0 minutes is 10.)
                if suffix == " (default: ", said.contains("默认") { return said }
                if value.hasSuffix(".0"), Double(value) != nil { value.removeLast(2) }
                return said + zh + value + "）"
            }
        }
        for (prefix, zh, labels) in prefixes where english.hasPrefix(prefix) { return zh + codeList(english.dropFirst(prefix.count), labels: labels) }
        return english
    }

    /// "call, visit, other." as 电话（call）、拜访（visit）、其他（other）。: the Chinese labels, which the
    /// commands take too, with the codes (the English codes leaked into the Chinese help).
    static func codeList(_ codes: Substring, labels: [String: String]) -> String {
        let end = codes.hasSuffix(".") ? "。" : ""
        let items = codes.dropLast(end.isEmpty ? 0 : 1).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return items.map { code in labels[code].map { "\($0)（\(code)）" } ?? code }.joined(separator: "、") + end
    }

    /// A vocabulary's codes and Chinese labels (each list its own: `neutral` is 中立 for an
    /// attitude, 一般 for a satisfaction).
    static func labels<V: Vocabulary>(_ type: V.Type) -> [String: String] {
        Dictionary(V.allCases.map { ($0.rawValue, $0.zh) }, uniquingKeysWith: { a, _ in a })
    }

    static let headings: [String: String] = [
        "ARGUMENTS:": "参数：", "OPTIONS:": "选项：", "SUBCOMMANDS:": "子命令：", "EXAMPLES": "示例",
        "  -h, --help              Show help information.": "  -h, --help              显示帮助。",
    ]

    static let prefixes: [(String, String, [String: String])] = [
        ("Type: ", "跟进方式：", labels(ActivityType.self)), ("Role in the decision: ", "决策角色：", labels(DecisionRole.self)),
        ("Attitude: ", "态度：", labels(Attitude.self)), ("Satisfaction: ", "满意度：", labels(Satisfaction.self)),
        ("Stage: 1–5, or ", "阶段（填编号或名称）：", labels(SalesStage.self)),
    ]

    static let texts: [String: String] = [
        "Show help information.": "显示帮助。",
        "Show the version.": "显示版本号。",
        // The session agent (issue 15, Docs/AGENT.md).
        "Unlock an archive for a while: later commands on it need no password.": "暂时解锁档案：在此期间，对该档案的命令无需再输入密码。",
        "Forget it after this long, however it is used: 30m, 2h, 1h30m (default 8h, at most 24h; in a department, its policy's limit).": "解锁时长，到时无论是否在用都自动锁定：30m、2h、1h30m（默认 8h，最长 24h；部门档案以部门规定为限）。",
        "Forget it after this long without a command (default 15m, at least 1m; in a department, its policy's limit).": "闲置多久后自动锁定（默认 15m，至少 1m；部门档案以部门规定为限）。",
        "Lock an unlocked archive now: the agent wipes its keys.": "立即锁定已解锁的档案：会话代理随即清除密钥。",
        "Lock every unlocked archive.": "锁定所有已解锁的档案。",
        "Show which archives are unlocked, and until when.": "查看哪些档案已解锁，以及解锁到何时。",
        "Print the agent's status as JSON (Docs/AGENT.md §4.4).": "以 JSON 格式输出会话代理的状态（见 Docs/AGENT.md §4.4）。",
        "The longest a salesperson may keep an archive unlocked (salesvault unlock --for), and the default: 30m, 4h (default 8h, at most 24h).": "销售人员解锁档案的最长时长（salesvault unlock --for），同时作为默认值：30m、4h（默认 8h，最长 24h）。",
        "The longest an unlocked archive may stay unused before it locks (salesvault unlock --idle), and the default (default 15m).": "已解锁档案闲置多久后自动锁定的上限（salesvault unlock --idle），同时作为默认值（默认 15m）。",
        "Use the escrow access your session agent keeps for this manager (escrow open --keep) instead of a key file.": "使用会话代理为该经理保留的托管访问（escrow open --keep），无需再提供密钥文件。",
        "Have your session agent keep this escrow access for this long: 10m (the default), 30m …": "让会话代理保留此托管访问的时长：10m（默认）、30m……",
        "Keep a salesperson's customer archive encrypted, with a password they choose.": "用销售人员自设的密码加密保管客户档案。",
        "Language of messages: zh or en": "提示信息的语言：zh 或 en",
        "Language of messages: zh or en (default: from the locale).": "提示信息的语言：zh 或 en（默认按系统语言）。",
        "The archive file (default: $SALESVAULT_ARCHIVE).": "档案文件（默认取环境变量 $SALESVAULT_ARCHIVE）。",
        "The archive file.": "档案文件。",
        "The archive file (or -a FILE; default: $SALESVAULT_ARCHIVE).": "档案文件（也可用 -a 指定；未指定时使用环境变量 SALESVAULT_ARCHIVE）。",
        "The archive file, as the other commands take it.": "档案文件（用法与其他命令中的 -a 相同）。",
        "Read the password from the first line of this file.": "从该文件第一行读取密码。",
        "Read the password from this open file descriptor.": "从该文件描述符读取密码。",
        "Read the new password from the first line of this file.": "从该文件第一行读取新密码。",
        "Read the new password from this open file descriptor.": "从该文件描述符读取新密码。",
        "Print JSON.": "以 JSON 格式输出。",
        "Print machine-readable JSON.": "以 JSON 格式输出（供程序读取）。",
        // The archive
        "Create a new encrypted archive protected by a password you choose.": "新建加密档案，密码由您自己设定。",
        "Show an archive's owner, dates, protection and size, without its password.": "不用密码查看档案的所有人、日期、保护方式和大小。",
        "Unlock an archive and authenticate every byte of it.": "用密码打开档案，检查其内容是否完整、未被改动。",
        "Change an archive's password (only its key slot is rewritten).": "修改档案密码（几秒钟即可完成，客户资料不受影响）。",
        "Replace the archive's data key and re-encrypt every record.": "更换档案的数据密钥，并重新加密全部记录。",
        "Remove an interrupted save from the end of an archive, keeping a backup copy.": "清除档案末尾未完成的保存（先保留备份）。",
        "The salesperson who owns the archive (shown by status and compliance checks).": "档案所有人（销售人员姓名，status 和合规检查中显示）。",
        "Do not ask for confirmation.": "不再询问确认。",
        // Customers
        "Add, change, grade, show, list and remove customers.": "添加、修改、评级、查看、列出和移除客户。",
        "Add a customer.": "添加客户。",
        "The customer's full name.": "客户全称。",
        "Grade: A, B, C, D or unrated (default unrated).": "等级：A、B、C、D 或未评级（也可写 unrated），默认为未评级。",
        "Customer code.": "客户编号。", "Industry.": "行业。", "Region.": "地区。", "Phone.": "电话。", "Address.": "地址。",
        "Where the customer came from.": "客户来源。",
        "Any other field, as FIELD=VALUE (repeatable).": "其他字段，写成 字段=值（可重复）。",
        "Add it even if a customer with a similar name, the same credit code or the same phone exists.": "即使已有名称相近、信用代码或电话相同的客户，也照样添加。",
        "Add the person even if the customer has a contact of the same name or mobile number.": "即使该客户下已有同名或手机号相同的联系人，仍然添加。",
        "Add the project even if the customer has a project of the same name.": "即使该客户下已有同名项目，仍然添加。",
        "Change it even if the customer has another project of that name.": "即使该客户下已有同名的其他项目，仍然修改。",
        "Change it even if another customer then has a similar name, the same credit code or the same phone.": "即使修改后与其他客户名称相近，或统一社会信用代码、电话相同，仍然修改。",
        "Change it even if the customer has another contact of that name or mobile number.": "即使该客户下已有同名或手机号相同的联系人，仍然修改。",
        "Bring them back even beside a live contact of the same name that no mobile number tells apart.": "即使该客户下已有同名联系人、且无法凭手机号区分，也照常恢复。恢复后会出现同名联系人，请凭联系人编号（如 R3）区分。",
        "Change a customer's fields (not the grade: use `customer grade`).": "修改客户信息（等级请用 customer grade）。",
        "Customer id (C12), name, alias, or part of one.": "客户编号（C12）、名称、别名或其中一部分。",
        "Customer id (C12) or name (any part of it, or an alias).": "客户编号（C12）或名称（名称任一部分或别名均可）。",
        "Customer id or name (any part of it, or an alias) (default: all customers).": "客户编号或名称（任一部分或别名；默认全部客户）。",
        "Customer id or name (any part of it, or an alias) (default: all).": "客户编号或名称（任一部分或别名；默认全部）。",
        "Customer id or name (any part of it, or an alias) (default: everything).": "客户编号或名称（任一部分或别名；默认全部）。",
        "FIELD=VALUE to change (repeatable; an empty VALUE clears).": "要修改的 字段=值（可重复；值留空即清除）。",
        "Add another name the customer is found by, e.g. 浦发 (repeatable).": "添加客户的别名，如 浦发（可重复），之后用别名也能找到该客户。",
        "Change a customer's grade, with the reason, the result and the problems met (for the work report).": "调整客户等级，并注明原因、结果和存在的问题（写入工作汇报）。",
        "New grade: A, B, C, D or unrated (leave out to add the result or problems of the last change).": "新等级：A、B、C、D 或未评级（也可写 unrated）；不填新等级时，只为上次等级调整补充调整结果或存在的问题。",
        "Why the grade changes (required with a new grade).": "调整原因（调整等级时必填）。",
        "The result of the change (for the weekly report).": "调整结果（写入周报）。",
        "Problems met (for the weekly report).": "存在的问题（写入周报）。",
        "Show a customer with its contacts, projects, recent contacts and complaints.": "查看客户及其联系人、项目、近期跟进和投诉。",
        "List customers, A first.": "列出客户，A 类在前。",
        "Only these grades, e.g. A or A,B.": "只列出这些等级，如 A 或 A,B。",
        "Remove a customer from lists (its history is kept).": "从档案中移除客户（变更历史仍保留）。",
        "Include secret fields (a contact's personal background).": "包括绝密字段（联系人个人背景）。",
        // Contacts
        "Record the people at a customer: role in the decision, attitude, background.": "记录客户方的人员：决策角色、态度、个人背景。",
        "Add a contact person to a customer.": "为客户添加联系人。",
        "The person's name.": "姓名。", "Job title.": "职务。", "Department.": "部门。", "E-mail.": "邮箱。",
        "Mobile number (kept as text).": "手机号（按文本保存）。",
        "Change a contact's fields.": "修改联系人信息。",
        "Contact id (R3) or name (any part of it).": "联系人编号（R3）或姓名（任一部分均可）。",
        "Show a contact.": "查看联系人。",
        "Include the personal background (secret).": "显示个人背景（绝密）。",
        "List contacts, of one customer or all.": "列出某个客户或全部客户的联系人。",
        "Remove a contact from lists (history is kept).": "从档案中移除联系人（变更历史仍保留）。",
        "Bring a removed contact back (the records naming them name them again as live).": "恢复已移除的联系人（原先与此人关联的记录也随之恢复关联）。",
        "The removed contact's id (R3), or their name when one removed person has it.": "已移除联系人的编号（如 R3）；如已移除的联系人中没有重名，也可填姓名。",
        "Why (kept in the history), e.g. 重新入职.": "原因（记入变更历史），如“重新入职”。",
        // Contact log
        "Log calls, visits and other contacts (every important contact updates the customer's record).": "登记电话、拜访等跟进记录（每次重要联系都会更新客户档案）。",
        "Log one contact with a customer.": "登记一次与客户的联系。",
        "What happened.": "跟进内容。",
        "When (a date, and a time if you like: 昨天下午3点; default now).": "时间（日期，也可带时刻，如“昨天下午3点”；默认现在）。",
        "When (a date, and a time if you like: 昨天下午3点).": "时间（日期，也可带时刻，如“昨天下午3点”）。",
        "Contacts met, comma-separated ids or names.": "参与的联系人，编号或姓名，用逗号分隔。",
        "Contacts met, comma-separated ids or names (empty clears).": "参与的联系人，编号或姓名，用逗号分隔（留空即清除）。",
        "The project it concerns.": "相关项目。", "The project it concerns (empty clears).": "相关项目（留空即清除）。",
        "Next step.": "下一步计划。", "Next step (empty clears).": "下一步计划（留空即清除）。",
        "Date of the next step.": "下次跟进日期。", "Date of the next step (empty clears).": "下次跟进日期（留空即清除）。",
        "Where.": "地点。", "Where (empty clears).": "地点（留空即清除）。",
        "Correct a contact log entry (the old values stay in the history).": "更正一条跟进记录（原内容保留在变更历史中）。",
        "Log entry id (L40).": "跟进记录编号（L40）。",
        "Why it is corrected (kept in the history).": "更正原因（记入变更历史）。",
        "Remove a contact log entry entered by mistake (it stays in the history).": "删除误录的跟进记录（仍保留在变更历史中）。",
        "Why (required; kept in the history).": "原因（必填，记入变更历史）。",
        "Why (kept in the history).": "原因（记入变更历史）。",
        "Why (kept in the history), e.g. 已离职.": "原因（记入变更历史），如“已离职”。",
        "Customer id (C12) or its full name.": "客户编号（C12）或完整名称。",
        "Contact id (R3) or its full name.": "联系人编号（R3）或完整姓名。",
        "List the contact log, newest first.": "列出跟进记录，最新的在前。",
        "Only entries on or after this date.": "只列出该日期及以后的记录。",
        "At most this many entries.": "最多列出多少条。",
        // Projects
        "Follow projects through the five sales stages.": "按五个销售阶段跟进项目。",
        "Add a project (it starts at stage 1).": "添加项目（从第 1 阶段开始）。",
        "Project name.": "项目名称。", "Budget.": "预算。", "Expected bidding date.": "预计投标日期。", "Expected signing date.": "预计签约日期。",
        "Bid method (public tender, negotiated bid, …).": "采购方式（公开招标、议标等）。",
        "Requirements.": "需求。",
        "Decision makers: contact ids or names, comma-separated.": "决策人：联系人编号或姓名，用逗号分隔。",
        "Move a project to another stage.": "调整项目所处阶段。",
        "Project id (P3) or name (any part of it).": "项目编号（P3）或名称（任一部分均可）。",
        "Why (required to go back, skip a stage, close as lost/abandoned, or reopen).": "原因（退回、跳过阶段、以丢单或放弃关闭、重新启动时必填）。",
        "When it moved, if earlier than now (a date, and a time if you like: 上周五下午3点).": "进入该阶段的时间，早于现在时填写（日期，也可带时刻，如“上周五下午3点”）。",
        "Change a project's fields (not its stage).": "修改项目信息（阶段请用 project stage）。",
        "Show a project with its stage history.": "查看项目及其阶段变更记录。",
        "List projects, of one customer or all.": "列出某个客户或全部客户的项目。",
        // Complaints
        "Carry a customer complaint from filing to the satisfaction survey (regulation 6.4).": "客户投诉从登记到满意度回访的全过程（制度 6.4）。",
        "Record a complaint about any person or department of the company.": "登记客户对公司任何人员或部门的投诉。",
        "Who or which department the complaint is about.": "被投诉的人或部门。",
        "What the customer complains about.": "投诉内容。",
        "How it came in: phone, visit, letter, email, IM.": "投诉渠道：电话、来访、信函、邮件、即时通讯。",
        "The contact who complained.": "投诉的联系人。",
        "Record that the sales manager and/or the sales director were notified.": "登记已通报销售经理、销售总监（可先登记其中一位）。",
        "Complaint number (TS-2026-0001) or id.": "投诉编号（TS-2026-0001）或记录编号。",
        "Complaint number or id.": "投诉编号或记录编号。",
        "The sales manager was notified.": "已通报销售经理。",
        "The sales director was notified.": "已通报销售总监。",
        "When it was done, if not today (2026-03-05, 2026/3/5, 2026年3月5日).": "办理日期，不是今天时填写（2026-03-05、2026/3/5、2026年3月5日、昨天等）。",
        "Record how the complaint was handled and resolved.": "登记投诉的处理经过和结果。",
        "Who coordinated the handling (the sales manager).": "协调人（销售经理）。",
        "What was done.": "处理结果。",
        "When it was resolved, if not today.": "处理日期，不是今天时填写。",
        "Record the satisfaction survey of a resolved complaint.": "登记已处理投诉的满意度回访。",
        "The customer's comment.": "客户意见。",
        "Who ran the survey.": "回访人。",
        "When the survey was made, if not today.": "回访日期，不是今天时填写。",
        "Close a complaint not yet resolved, or one the customer was not satisfied with: withdrawn by the customer (撤诉), or --unfounded (不成立).": "结束尚未处理完或客户不满意、待重新处理的投诉：客户撤诉，或认定投诉不成立（--unfounded）。",
        "The complaint was found unfounded (不成立) rather than withdrawn by the customer.": "经核实投诉不成立（而不是客户撤诉）。",
        "When, if not today.": "日期，不是今天时填写。",
        "Show a complaint: what, who was notified when, the handling and the survey.": "查看投诉：内容、何时通报了谁、处理情况和回访。",
        "List complaints.": "列出投诉。",
        // Looking back and ahead
        "Show whom to follow up today: overdue and due follow-ups, this week, bids and signings, surveys, silent A/B customers.": "今日待办：逾期和今天要跟进的客户、本周安排、投标签约、待回访投诉、超期未联系的 A/B 类客户。",
        "Look this many days ahead for follow-ups (default: to the end of this week).": "向后看多少天的跟进（默认到本周日）。",
        "Also write the follow-ups as calendar events (iCalendar) to this file.": "同时把跟进事项写成日历文件（iCalendar）。",
        "Show every change (who, when, what, old → new), for one customer or all.": "查看变更历史（谁、何时、改了什么、原值 → 新值），可只看一个客户。",
        "Only changes on or after this date.": "只看该日期及以后的变更。",
        "Only changes before this date.": "只看该日期之前的变更。",
        "Include changes to contacts' personal background (secret).": "包括联系人个人背景（绝密）的变更。",
        "Find text in names, notes and the contact log (Chinese and English alike).": "在名称、备注和跟进记录中查找文字（中英文均可）。",
        "The text to find (case-insensitive).": "要查找的文字（不区分大小写）。",
        "Also search contacts' personal background (secret).": "也查找联系人个人背景（绝密）。",
        "List customers not contacted for N days, A and B customers first.": "列出 N 天未联系的客户，A、B 类在前。",
        "Days without contact.": "未联系天数。",
        "Undo a change (a batch shown by `history`): its inverse is saved as a new change.": "撤销一次更改（history 中的批次）：反向更改另存为新批次。",
        "The batch to undo (B42, as `history` shows it).": "要撤销的批次号，如 B42；批次号可运行 salesvault history 查看。",
        "Only show what the undo would change.": "只显示撤销会改动什么，不保存。",
        "Unlock an archive once and run many commands; locks itself when idle.": "解锁一次连续操作多条命令；空闲时自动锁定。",
        "Lock (and leave) after this many minutes without input.": "无输入多少分钟后自动锁定退出。",
        // Import, export, reports
        "Import customers, contacts, projects, contact log and complaints from Excel (XLSX), CSV/TSV or a SalesVault JSON export.": "从 Excel（XLSX）、CSV/TSV 或 SalesVault 导出的 JSON 导入客户、联系人、项目、跟进记录和投诉。",
        "Export the archive to Excel (XLSX, default), CSV or JSON: plaintext that leaves the vault, recorded in the history.": "把档案导出为 Excel（默认 XLSX）、CSV 或 JSON：导出的文件默认不加密（XLSX 可加 --encrypt 设置密码），每次导出都会记入变更历史。",
        "The weekly report (周报): build it, hand it in sealed to the managers, and the department's view.": "销售周报：生成、加密提交给经理，以及部门汇总视图。",
        "Build the week's report as an Excel workbook, a web page or Markdown (plaintext, recorded in the history).": "生成周报（默认本周）：Excel 工作簿、网页或 Markdown（明文，记入变更历史）。",
        "Hand in the week's report, sealed (age format) to the managers whose role receives reports.": "提交周报（默认本周），加密（age 格式）发给接收周报的经理。",
        "The department's view of a week: every sealed report your key opens, in one table.": "部门一周汇总：您的密钥能打开的全部周报，汇成一张表。",
        "The week: 2026-W48, 第48周, 上周 (last week), or a day in it such as 11月27日 (default: this week).": "周次：可写 2026-W48、第48周、上周，或这一周中的任意一天（如 11月27日）；默认本周。",
        "Decrypt an age file (for an age key or a passphrase, binary or armored).": "解密 age 文件（age 密钥或口令，二进制或文本格式）。",
        // Import, export, reports: options
        "A file of `header = field` lines for columns not recognised.": "列对照表文件：每行写一条“表头 = 字段”，用于程序无法自动识别的列。",
        "A row already in the archive or earlier in the file: refuse (default), skip, or update the existing record.": "遇到重复行（档案中已有或文件前面已出现）时如何处理：refuse 报错、不导入（默认），skip 跳过，update 更新已有记录。",
        "An encrypted workbook's password, from the first line of this file (default: asked, no echo).": "加密工作簿的密码，取该文件第一行（默认在终端询问，输入时屏幕上不显示）。",
        "CSV only: utf-8-bom (default, opens in Excel) or gb18030.": "仅用于 CSV：utf-8-bom（默认，Excel 可直接打开）或 gb18030。",
        "Competition: competitors and their position, e.g. \"思科:leading; 新华三:shortlisted\".": "竞争情况：竞争对手及其竞争地位，如“思科：领先；新华三：入围”。",
        "Do not ask before importing (scripts; a terminal asks by default).": "导入前不再询问（用于脚本；在终端默认会询问）。",
        "Do not ask for missing grade-change results on the terminal.": "不在终端询问缺少的等级调整结果。",
        "Encrypt the workbook with a password you choose (XLSX only; opens in Excel, WPS, LibreOffice).": "用您设定的密码加密工作簿（仅 XLSX；Excel、WPS、LibreOffice 均可打开）。",
        "Encrypt the workbook with a password you choose (XLSX only; the password is asked twice, no echo).": "用您设定的密码加密工作簿（仅 XLSX；密码输入两次，输入时屏幕上不显示）。",
        "How to read dates like 03/05/2026: dd/mm/yyyy or mm/dd/yyyy.": "03/05/2026 这类日期的读法：dd/mm/yyyy（日/月/年，即 2026年5月3日）或 mm/dd/yyyy（月/日/年，即 2026年3月5日）。",
        "Import the valid rows and leave the refused ones out (default: nothing is imported while any row is refused).": "只导入没有问题的行，有问题的行略过（默认：只要有一行有问题，就全部不导入）。",
        "Include contacts' personal background (secret).": "包括联系人个人背景（绝密）。",
        "Only show what would be imported; the archive is not changed (a --rejects file is still written).": "只预览将要导入的内容，不改动档案（如指定了 --rejects，仍会写出未导入的行）。",
        "Print CSV (for spreadsheets).": "以 CSV 格式输出（供电子表格使用）。",
        "Replace --out if it exists.": "--out 指定的文件已存在时覆盖。",
        "Replace the file if it exists.": "文件已存在时覆盖。",
        "The week: 2026-W48, 第48周, 上周 (last week), or a day in it such as 11月27日 (default: the last week whose reports are due).": "周次：可写 2026-W48、第48周、上周，或这一周中的任意一天（如 11月27日）；默认为提交截止时间已过的最近一周。",
        "The file to import (.xlsx, .csv, .tsv, .txt or .json).": "要导入的文件（.xlsx、.csv、.tsv、.txt 或 .json）。",
        "The file to write (default: the owner's name, the date and the format).": "输出文件名（默认由档案所有人姓名和日期组成，如 张伟-客户档案-2026-03-05.xlsx）。",
        "The file to write (default: the owner's name, 周报, the week).": "输出文件（默认：档案所有人姓名-周报-周次）。",
        "The template's format: xlsx (default, or as --out's name ends) or csv.": "模板格式：xlsx（默认；也可按 --out 文件名的扩展名）或 csv。",
        "The text file's encoding (utf-8, utf-8-bom, utf-16le, utf-16be, gb18030/gbk); default: detected.": "文本文件的编码（utf-8、utf-8-bom、utf-16le、utf-16be、gb18030/gbk）；默认自动识别。",
        "What a CSV file holds when its headers do not say it; in a workbook, import only the sheets of this kind: customers, contacts, projects, log, complaints (all: every sheet, as without it).": "指定数据类型：customers（客户）、contacts（联系人）、projects（项目）、log（跟进记录）、complaints（投诉），只能指定一种；all 表示全部，与不加 --kind 相同。无法根据 CSV 表头判断类型时，用它指明；用于工作簿时，只导入该类型的工作表。",
        "What to export (repeatable): customers, contacts, projects, log, complaints or all (default).": "导出哪些内容（可重复）：customers（客户）、contacts（联系人）、projects（项目）、log（跟进记录）、complaints（投诉）或 all（全部，默认）。",
        "Where to write the template.": "模板的保存路径。",
        "With --dry-run: also show secret fields (a contact's personal background).": "与 --dry-run 一起用：也显示绝密字段（联系人个人背景）。",
        "With --encrypt: the workbook's password, from the first line of this file.": "与 --encrypt 一起用：工作簿密码取该文件第一行。",
        "With --rejects or --template: replace an existing file.": "与 --rejects 或 --template 一起用：覆盖已有文件。",
        "Write an empty template instead: customers, contacts, projects, log, complaints or all.": "改为生成空白模板：customers（客户）、contacts（联系人）、projects（项目）、log（跟进记录）、complaints（投诉）或 all（全部）。",
        "Write the refused rows, with the reason, to this file (same format and encoding as the input; a JSON file's as an .xlsx workbook).": "把无法导入的行连同原因保存到该文件（格式和编码与原文件相同；JSON 文件则保存为 .xlsx 工作簿）。",
        "Write the view to this file instead of the terminal.": "把汇总写到该文件，而不是显示在终端。",
        "Write to this file instead of standard output.": "写到该文件，而不是标准输出。",
        "html or xlsx (default: what --out's name ends in).": "html 或 xlsx（默认按 --out 的扩展名）。",
        "xlsx (default, or what --out's name ends in), html or md.": "xlsx（默认，或按 --out 的扩展名）、html 或 md。",
        "xlsx (the default, or what --out's name ends in), csv or json.": "xlsx（默认，或按 --out 的扩展名）、csv 或 json。",
        "Lock (and leave) the shell after this many minutes without input.": "无输入多少分钟后自动锁定并退出 shell。",
        "The archive file to create (it must not exist; default with --department: archives/OWNER.svault).": "要新建的档案文件（不能已存在；用 --department 时默认为 archives/所有人.svault）。",
        "Create the archive in this department: escrow slots for its managers, its administrator key pinned.": "在该部门下新建档案：为部门经理建立托管槽，并固定部门管理员密钥。",
        "The password may have leaked: choose a new one and rotate the data key (rekey) at once.": "密码可能已泄露：立即设置新密码并更换数据密钥（rekey）。",
        // The department, keys, escrow, compliance
        "The department: a signed registry of managers (escrow holders), salespeople and policy.": "部门：经管理员签名的名册，包括经理（托管人）、销售人员和管理规定。",
        "Create a department directory, and the administrator's signing key if the file does not exist.": "新建部门文件夹；管理员签名密钥文件不存在时一并生成。",
        "The department directory to create.": "要新建的部门文件夹。",
        "The department directory.": "部门文件夹。",
        "The department directory (or any directory of .svault files).": "部门文件夹（或任何存放 .svault 文件的文件夹）。",
        "The department's name.": "部门名称。",
        "The administrator's signing key file.": "管理员签名密钥文件。",
        "Read the administrator key's passphrase from the first line of this file.": "从该文件第一行读取管理员密钥的口令。",
        "INSECURE, for tests only: scrypt cost 2^N (10–17) for a new admin key file.": "不安全，仅供测试：新管理员密钥文件的 scrypt 成本 2^N（10–17）。",
        "INSECURE, for tests only: scrypt cost 2^N (10–17) for the key file instead of 2^18.": "不安全，仅供测试：密钥文件的 scrypt 成本用 2^N（10–17）代替 2^18。",
        "Add a manager who can open archives through escrow.": "添加可通过托管调阅档案的经理。",
        "Remove a manager; each archive then needs a rekey (an old copy still opens with their key).": "移除经理；之后每份档案都要更换数据密钥（旧副本仍能用其密钥打开）。",
        "The manager's name.": "经理姓名。",
        "The manager's name (the file names).": "经理姓名（用作文件名）。",
        "The manager's public key (age1…).": "经理的公钥（age1…）。",
        "The manager's public key file (NAME.pub).": "经理的公钥文件（姓名.pub）。",
        "The manager's role, e.g. \"department manager\" or \"general manager\".": "经理的职务，如 \"部门经理\" 或 \"总经理\"。",
        "Register a salesperson (their archive is archives/NAME.svault, created by `salesvault init --department`).": "登记销售人员（其档案为 archives/姓名.svault，用 salesvault init --department 创建）。",
        "The salesperson's name (the archive's owner).": "销售人员姓名（档案所有人）。",
        "Set the escrow threshold and the password-rotation rule.": "设置托管所需经理人数和定期更换密码的规定。",
        "Managers needed together to open an archive (1 = any one alone).": "调阅档案须几名经理共同参与（1 = 任一经理可单独调阅）。",
        "Days after a password change when reminders start (7–729).": "改密码后第几天开始提醒（7–729）。",
        "Days after a password change when it is overdue (up to 730).": "改密码后第几天算逾期（最多 730）。",
        "No periodic rotation (every compliance report says so).": "不要求定期更换密码（每份合规报告都会注明）。",
        "Periodic rotation again (with the days given or the defaults).": "恢复定期更换密码（按给出的天数或默认天数）。",
        "The time zone the department counts days in: an IANA name such as Asia/Shanghai (the default) or Asia/Hong_Kong.": "部门计日所用的时区：IANA 名称，如 Asia/Shanghai（默认）或 Asia/Hong_Kong。",
        "The lowest scrypt cost 2^N an archive may have and be compliant (default and recommended 17; lower only for test departments).": "档案合规所需的最低 scrypt 成本 2^N（默认并建议 17；只有测试部门才可降低）。",
        "The manager roles that receive the weekly reports, separated by commas (default: general manager, sales director / 总经理, 销售总监).": "接收周报的经理职务，用逗号分隔（默认：总经理、销售总监）。",
        "The hour on Friday (department time) the weekly report is due (default 18).": "周五几点前提交周报（部门时间，默认 18 点）。",
        "The most days an A customer may go without a contact before the agenda and the weekly report list it (default 7).": "A 类客户超过几天未联系即列入今日待办和周报的风险预警（默认 7 天）。",
        "The same for B customers (default 14).": "B 类客户的联系间隔，含义同上（默认 14 天）。",
        "Show the registry (after checking its signature).": "查看部门名册（先核验签名）。",
        "Enroll a salesperson's archive signing key from their request (enroll/NAME.json), after checking its fingerprint.": "根据销售人员的登记申请（enroll/姓名.json），核对指纹后登记其档案签名密钥。",
        "Hand the department over to a new administrator key (signed by the current one).": "把部门交接给新的管理员密钥（由现任密钥签署交接声明）。",
        "The new administrator key file (created if it does not exist).": "新管理员密钥文件（不存在时自动生成）。",
        "Read the new administrator key's passphrase from the first line of this file.": "从该文件第一行读取新管理员密钥的口令。",
        "With --department: the administrator's fingerprint, as your administrator told you (spaces optional); without a terminal it is required.": "与 --department 同用：管理员告诉您的管理员指纹（空格可省略）；不在终端上运行时必须提供。",
        "Register a manager's audit-log signing key (from their .pub file or svmanager1…).": "登记经理的审计日志签名公钥（取自其 .pub 文件或 svmanager1… 字符串）。",
        "The manager's public key file (NAME.pub) with its signing-key line.": "经理的公钥文件（姓名.pub），其中须有签名公钥一行。",
        "The signing key itself.": "签名公钥本身。",
        "The manager's audit-log signing key (svmanager1…), when the .pub file has none.": "经理的审计日志签名公钥（svmanager1…），在 .pub 文件中没有时填写。",
        "List the department's audit log of escrow uses, verified and compared with the archives (no key needed).": "列出部门托管调阅审计日志，逐条核验签名并与档案比对（无需任何密钥）。",
        "Only this salesperson's archive.": "只看该销售人员的档案。",
        "Managers' escrow keys: generate, import from age-keygen, show fingerprints.": "经理的托管密钥：生成、从 age-keygen 导入、查看指纹。",
        "Generate a manager's escrow key (NAME.key and NAME.pub).": "为经理生成托管密钥（姓名.key 和 姓名.pub）。",
        "Directory for NAME.key and NAME.pub (default: the current one).": "姓名.key 和 姓名.pub 存放的文件夹（默认当前文件夹）。",
        "Read the new passphrase from the first line of this file (else asked twice).": "从该文件第一行读取新口令（否则询问两次）。",
        "Import an age-keygen identity file as a manager's escrow key.": "把 age-keygen 生成的身份文件导入为经理的托管密钥。",
        "The age identity file.": "age 身份文件。",
        "Show a key's public form and fingerprint (a .pub file, an age1…/svadmin1… string, or a secret key file).": "查看密钥的公开形式和指纹（.pub 文件、age1…/svadmin1… 字符串或私钥文件）。",
        "A .pub file, a .key file, or the public key itself.": ".pub 文件、.key 文件或公钥本身。",
        "Passphrase of a secret key file.": "私钥文件的口令。",
        "Passphrase of FILE if it is encrypted.": "FILE 加密时的口令。",
        "Managers' access without the password (key escrow): open read-only, reset a password, list, update.": "经理不用密码访问档案（密钥托管）：只读调阅、重置密码、查看、更新。",
        "Open an archive read-only with a manager's key (or k managers' keys); the use is recorded.": "用经理的密钥（或 k 名经理的密钥）只读调阅档案；每次调阅都会记录。",
        "A manager's key file (NAME.key, or an age-keygen identity file); repeat for shared (k-of-n) escrow.": "经理的密钥文件（姓名.key 或 age-keygen 身份文件）；共同托管（k-of-n）时重复给出。",
        "A read command to run, after --.": "要执行的只读命令，写在 -- 之后。",
        "The passphrase of each --identity, in order, from the first line of this file.": "各 --identity 的口令，按顺序取自该文件第一行。",
        "The passphrase of each passphrase-protected --identity, in order, from the first line of this file.": "各个有口令保护的 --identity 的口令，按顺序取自该文件第一行。",
        "Set a temporary password that the owner must change at the next unlock; the reset is recorded.": "设置临时密码，档案所有人下次解锁时必须修改；重置会被记录。",
        "Who can open an archive through escrow (no password needed).": "查看谁能通过托管打开档案（无需密码）。",
        "Check your own escrow share of a k-of-n archive, alone (nothing is opened or recorded).": "单独核验您在 k-of-n 共同托管档案中的份额（不打开档案，也不记录）。",
        "Check a whole archive with a manager's key: both header copies, its size, every record (read-only, not recorded).": "用经理密钥完整校验档案：两个档案头副本、文件大小和每一条记录（只读，不记入档案）。",
        "Also run the full check on each archive through escrow with --identity: both header copies, the size, every record (not recorded as an escrow use).": "同时用 --identity 通过托管对每个档案做完整校验：两个档案头副本、文件大小和每一条记录（不记为托管访问）。",
        "The owner gives the department's current managers access (shows names and fingerprints first).": "所有人授权部门现任经理访问（先显示姓名和指纹）。",
        "Check every archive of a department without any password: rotation, escrow, escrow uses.": "不用密码检查部门的所有档案：密码更换、托管、托管访问。",
        "Also authenticate each header through escrow with --identity (catches hand-edited dates and slot lists).": "同时用 --identity 通过托管核验每个档案头（可发现被手工改动的日期和密钥槽）。",
        "Judge as of this calendar date (default: today in the department's time zone).": "按该日期评判（默认：部门时区的今天）。",
        "Calendar events (iCalendar, .ics) for the password-change dates of archives.": "把档案的改密码日期生成日历事件（iCalendar，.ics）。",
        "Archives or department directories.": "档案或部门文件夹。",
        "Write iCalendar (the only format).": "输出 iCalendar（唯一支持的格式）。",
        "The age file (binary or armored).": "age 文件（二进制或文本格式）。",
        "A key file: a manager's NAME.key or an age identity file (AGE-SECRET-KEY-1…); repeatable.": "密钥文件：经理的 姓名.key 或 age 身份文件（AGE-SECRET-KEY-1…）；可重复。",
        "Write the plaintext to this new file (mode 0600) instead of standard output.": "把明文写到这个新文件（权限 0600），而不是标准输出。",
        "INSECURE, for tests and demos only: scrypt cost 2^N (N from 10 to 16) instead of calibrating on this machine. `status` then reports the archive as weak.":
            "不安全，仅供测试和演示：scrypt 成本用 2^N（N 为 10 到 16），不按本机校准；status 会把档案标为弱保护。",
    ]

    /// A usage error of the command line, in Chinese: what was wrong, then the usage line.
    /// The parser's usage error in English as every other error reads (`salesvault: usage
    /// error: …`, `hint: …`; it was `Error: …` and `Help:  …`: helper-154), control characters
    /// escaped.
    static func usageErrorEN(_ english: String) -> String {
        english.components(separatedBy: "\n").filter { !$0.isEmpty }.map { raw in
            let line = FieldFormat.terminalSafe(raw)
            if line.hasPrefix("Error: ") { return "salesvault: usage error: " + line.dropFirst(7) }
            if line.hasPrefix("Help:  ") { return "hint: " + line.dropFirst(7) }
            return line
        }.joined(separator: "\n")
    }

    static func usageError(_ english: String) -> String {
        var lines: [String] = []
        for raw in english.components(separatedBy: "\n") where !raw.isEmpty {
            // (A word typed with control characters in it, shown escaped: helper-99.)
            var line = FieldFormat.terminalSafe(raw)
            if line.hasPrefix("Error: ") { line = "salesvault: 用法错误：" + message(String(line.dropFirst(7))) }
            else if line.hasPrefix("Help:  "), let r = line.range(of: " takes a value; to leave it empty write ") {
                line = "提示：\(line[line.index(line.startIndex, offsetBy: 7)..<r.lowerBound]) 后面要写取值；如要留空，请写成 \(line[r.upperBound...])"
            }
            else if line.hasPrefix("Help:  use "), line.hasSuffix(" instead") {
                line = "提示：请改用 " + line.dropFirst(11).dropLast(8) + (line.contains("--mobile") ? "（联系人的手机号）" : "")
            }
            else if line.hasPrefix("Help:  put -- before it: ") {
                // (The options before `--`: after it they are text too, helper-139.)
                let example = line.dropFirst(25).replacingOccurrences(of: " (options go before --)", with: "")
                line = "提示：请在它前面单独加上 --（两个减号），例如：" + example + "（选项请写在 -- 之前）"
            }
            else if line.hasPrefix("Help:  ") {
                // "--on-duplicate <on-duplicate>  A row already…": the argument, then its help
                // (looked up without the argument: it was left in English).
                let rest = String(line.dropFirst(7))
                if let gap = rest.range(of: "  ") {
                    // (--on-duplicate <on-duplicate>: the option alone; <batch> as the usage line writes it.)
                    let name = rest[..<gap.lowerBound]
                    let shown = name.hasPrefix("-") ? String(name.prefix { $0 != " " }) : String(name)
                    line = "提示：" + shown + "：" + text(String(rest[gap.upperBound...]).trimmingCharacters(in: .whitespaces))
                } else {
                    line = "提示：" + text(rest)
                }
            }
            else if line.hasPrefix("Usage: ") { line = "用法：" + line.dropFirst(7) }
            else if line.contains("See 'salesvault") && line.contains("--help") { line = "查看帮助：" + (line.components(separatedBy: "'").dropFirst().first ?? "salesvault --help") }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The parser's messages (ArgumentParser's ParserError descriptions) in Chinese.
    static func message(_ m: String) -> String {
        let patterns: [(String, (String) -> String)] = [
            ("Missing expected argument '", { "缺少必填项 \($0)" }),
            ("Unknown option '", { "没有 \($0) 这个选项" }),
            ("Unexpected argument '", { "多余的参数“\($0)”" }),
            ("Missing value for '", { "\($0) 后面缺少取值" }),
            ("Text starting with '-' is read as an option: '", { "“\($0)”以“-”开头，会被当成选项" }),
        ]
        for (prefix, zh) in patterns where m.hasPrefix(prefix) {
            let name = m.dropFirst(prefix.count).prefix { $0 != "'" }
            return zh(String(name))
        }
        if m.hasPrefix("Unexpected arguments: ") { return "多余的参数：" + m.dropFirst(22) }
        // (`6 unexpected arguments: '-a', …`: options written after `--`, helper-139.)
        if let r = m.range(of: " unexpected arguments: "), Int(m[..<r.lowerBound]) != nil {
            return "多余的参数 \(m[..<r.lowerBound]) 个：" + m[r.upperBound...] + "（-- 之后的内容都会当作文字，选项请写在 -- 之前）"
        }
        if m.hasPrefix("The value '"), let r = m.range(of: "' is invalid for '") {
            let value = m[m.index(m.startIndex, offsetBy: 11)..<r.lowerBound]
            let option = m[r.upperBound...].prefix { $0 != "'" }
            return "\(option) 的取值“\(value)”无效"
        }
        return validation[m] ?? m
    }

    /// The commands' own checks (`validate()`), in Chinese.
    static let validation: [String: String] = [
        "give the file to import, or --template KIND": "请指定要导入的文件，或用 --template 加模板类型生成空白模板",
        "--template writes an empty template; give no file to import with it": "--template 用于生成空白模板，不能同时指定要导入的文件",
        "--new-password-file and --new-password-fd cannot be used together": "--new-password-file 和 --new-password-fd 只能选用一个",
        "--insecure-kdf-cost takes a value from 10 to 16": "--insecure-kdf-cost 的取值须在 10 到 16 之间",
        "--insecure-kdf-cost takes a value from 10 to 17": "--insecure-kdf-cost 的取值须在 10 到 17 之间",
        "give the archive file, or --department DIR": "请指定档案文件名，或用 --department 加部门目录",
        "--admin-fingerprint goes with --department DIR": "--admin-fingerprint 须与 --department 部门目录 一起使用",
        "--owner must not contain control, tab, line-break, bidi or zero-width characters": "--owner（档案所有人）中不能含有换行符、制表符、零宽字符等不可见的控制字符；如是复制粘贴的，请手动重新输入",
        "--force goes with --out": "--force 须与 --out 一起使用",
        "more --passphrase-file than --identity": "--passphrase-file 的数量多于 --identity，两者须一一对应",
        "give exactly one of --pub FILE and --recipient age1…": "--pub 文件 和 --recipient age1… 只能选用其中一种，且只能给一个",
        "give exactly one of --pub FILE and --signing-key svmanager1…": "--pub 文件 和 --signing-key svmanager1… 只能选用其中一种，且只能给一个",
        "give --manager (kept access) or --identity, not both": "--manager（沿用已保留的访问）和 --identity 只能选用一个",
        "--keep needs the manager's key (--identity)": "--keep 需要经理的密钥（--identity）",
        "with --manager, give one read command after --, e.g. -- customer list": "使用 --manager 时，请在 -- 后面写一条查看命令，如 -- customer list",
        "--keep takes a duration of at least 1m, such as 10m": "--keep 的时长至少为 1m（1 分钟），如 10m",
        "--json and --csv cannot be used together": "--json 和 --csv 只能选用一个",
        "--verify needs --identity KEYFILE": "--verify 需要 --identity 密钥文件",
        "give --ics (iCalendar is the only format)": "请加上 --ics（目前只支持 iCalendar 格式）",
        "give at least one archive or department directory": "请至少指定一个档案文件或部门目录",
        "--for takes a duration from 1m to 24h, such as 30m, 2h or 1h30m": "--for 的时长须在 1m 到 24h 之间，如 30m、2h 或 1h30m",
        "--idle takes a duration of at least 1m, such as 15m": "--idle 的时长至少为 1m（1 分钟），如 15m",
        "give an archive or --all, not both": "请指定一个档案文件，或使用 --all（两者不能同时使用）",
        "give at least one --set FIELD=VALUE": "请至少给出一个 --set 字段=值",
        "give at least one --set FIELD=VALUE or --alias NAME": "请至少给出一个 --set 字段=值 或 --alias 别名",
        "give at least one --set FIELD=VALUE, --phone, --address … or --alias NAME": "请至少给出一个要修改的内容：--set 字段=值、--phone、--address 等，或 --alias 别名",
        "say who was notified: --manager, --director, or both": "请注明通报了谁：--manager（经理）、--director（总监），或两者都选",
        "say what to correct: --type, --summary, --at, --with, --project, --next-step, --next-date or --location":
            "请说明要更正什么：--type、--summary、--at、--with、--project、--next-step、--next-date 或 --location",
        "--days must be from 0 to 366": "--days 须在 0 到 366 天之间",
        "--days must be from 0 to 36500": "--days 须在 0 到 36500 天之间",
        "--limit must be 1 or more": "--limit 至少为 1",
        "--password-file and --password-fd cannot be used together": "--password-file 和 --password-fd 不能同时使用",
        "--idle-minutes must be more than 0 and at most 1440": "--idle-minutes 须大于 0 且不超过 1440",
    ]
}
