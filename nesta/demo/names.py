"""Word pools of the demo generator: cities with their districts, area codes and postal codes,
brand words, the vocabulary of every taxonomy field, organisation-name patterns, person names.

Everything here is plain data; generator.py draws from it with a seeded random.Random.
"""

import re


def _pairs(text: str) -> list[tuple[str, str]]:
    """A character and its pinyin: '华hua 新xin' → [('华', 'hua'), ('新', 'xin')]."""
    return [(w[0], w[1:]) for w in text.split()]


def _weighted(text: str) -> list[tuple[str, str, int]]:
    """A character, its pinyin and a weight: '王wang9' → [('王', 'wang', 9)]."""
    return [(m[1], m[2], int(m[3])) for m in re.finditer(r"(\S)([a-z]+)(\d+)", text)]


# --- places ----------------------------------------------------------------------------------

# city code → (short name, telephone area code, postal code base, weight, districts).
# Area codes as they were when the Action started (抚顺 0413, 本溪 0414, 铁岭 0410).
CITIES: dict[str, tuple[str, str, int, float, list[str]]] = {
    "210100": (
        "沈阳",
        "024",
        110000,
        14.0,
        ["和平区", "沈河区", "大东区", "皇姑区", "铁西区", "苏家屯区", "浑南区", "沈北新区", "于洪区"],
    ),
    "210200": ("大连", "0411", 116000, 13.0, ["中山区", "西岗区", "沙河口区", "甘井子区", "旅顺口区", "金州区"]),
    "210300": ("鞍山", "0412", 114000, 4.0, ["铁东区", "铁西区", "立山区", "千山区"]),
    "210400": ("抚顺", "0413", 113000, 2.5, ["新抚区", "东洲区", "望花区", "顺城区"]),
    "210500": ("本溪", "0414", 117000, 1.5, ["平山区", "溪湖区", "明山区", "南芬区"]),
    "210600": ("丹东", "0415", 118000, 2.0, ["元宝区", "振兴区", "振安区"]),
    "210700": ("锦州", "0416", 121000, 2.5, ["古塔区", "凌河区", "太和区"]),
    "210800": ("营口", "0417", 115000, 2.0, ["站前区", "西市区", "鲅鱼圈区", "老边区"]),
    "210900": ("阜新", "0418", 123000, 1.5, ["海州区", "新邱区", "太平区", "细河区"]),
    "211000": ("辽阳", "0419", 111000, 1.5, ["白塔区", "文圣区", "宏伟区", "太子河区"]),
    "211100": ("盘锦", "0427", 124000, 1.5, ["双台子区", "兴隆台区"]),
    "211200": ("铁岭", "0410", 112000, 1.2, ["银州区", "清河区"]),
    "211300": ("朝阳", "0421", 122000, 1.0, ["双塔区", "龙城区"]),
    "211400": ("葫芦岛", "0429", 125000, 1.2, ["连山区", "龙港区", "南票区"]),
    "220100": ("长春", "0431", 130000, 12.0, ["南关区", "宽城区", "朝阳区", "二道区", "绿园区", "双阳区"]),
    "220200": ("吉林", "0432", 132000, 5.0, ["昌邑区", "龙潭区", "船营区", "丰满区"]),
    "220300": ("四平", "0434", 136000, 1.5, ["铁西区", "铁东区"]),
    "220400": ("辽源", "0437", 136200, 0.8, ["龙山区", "西安区"]),
    "220500": ("通化", "0435", 134000, 1.5, ["东昌区", "二道江区"]),
    "220600": ("白山", "0439", 134300, 0.8, ["八道江区", "江源区"]),
    "220700": ("松原", "0438", 138000, 1.2, ["宁江区"]),
    "220800": ("白城", "0436", 137000, 0.8, ["洮北区"]),
    "222400": ("延边", "0433", 133000, 2.0, ["延吉市", "图们市", "敦化市", "珲春市", "龙井市"]),
    "230100": ("哈尔滨", "0451", 150000, 13.0, ["道里区", "南岗区", "道外区", "香坊区", "平房区", "松北区", "呼兰区"]),
    "230200": ("齐齐哈尔", "0452", 161000, 3.5, ["龙沙区", "建华区", "铁锋区", "昂昂溪区", "富拉尔基区"]),
    "230300": ("鸡西", "0467", 158100, 1.0, ["鸡冠区", "恒山区", "滴道区"]),
    "230400": ("鹤岗", "0468", 154100, 0.8, ["向阳区", "工农区", "南山区"]),
    "230500": ("双鸭山", "0469", 155100, 0.8, ["尖山区", "岭东区", "宝山区"]),
    "230600": ("大庆", "0459", 163000, 5.0, ["萨尔图区", "龙凤区", "让胡路区", "红岗区", "大同区"]),
    "230700": ("伊春", "0458", 153000, 0.8, ["伊春区", "南岔区", "带岭区"]),
    "230800": ("佳木斯", "0454", 154000, 1.5, ["向阳区", "前进区", "东风区", "郊区"]),
    "230900": ("七台河", "0464", 154600, 0.6, ["新兴区", "桃山区", "茄子河区"]),
    "231000": ("牡丹江", "0453", 157000, 2.0, ["东安区", "阳明区", "爱民区", "西安区"]),
    "231100": ("黑河", "0456", 164300, 0.6, ["爱辉区"]),
    "231200": ("绥化", "0455", 152000, 1.0, ["北林区"]),
    "232700": ("大兴安岭", "0457", 165000, 0.4, ["加格达奇区"]),
}

PROVINCE_SHORT = {"210000": "辽宁", "220000": "吉林", "230000": "黑龙江"}

# The district a zone sits in: organisations inside a zone get this district in their address.
ZONE_DISTRICTS = {
    "zone-shenyang": ("210100", "浑南区"),
    "zone-dalian": ("210200", "甘井子区"),
    "zone-anshan": ("210300", "铁东区"),
    "zone-changchun": ("220100", "朝阳区"),
    "zone-jilin": ("220200", "丰满区"),
    "zone-harbin": ("230100", "南岗区"),
    "zone-daqing": ("230600", "让胡路区"),
}

ROADS = (
    "中山路 人民路 解放路 建设路 长江路 黄河路 创新路 科技路 学府路 高新路 新华路 文化路 和平路 "
    "胜利路 友谊路 工业路 光明路 北京路 南京路 青年大街 世纪大道 智慧大街 浑南大道 黄河北大街 "
    "五一路 兴华路 民主路 东风路 西安大路 红旗街 学院路 开发大道 软件园路 汇智路 创业大街 同江路 "
    "长青街 振兴路 前进大街 卫星路"
).split()

# Industries a city is known for: taxonomy codes drawn more often for organisations there.
CITY_FIELDS: dict[str, list[str]] = {
    "210100": ["machinery", "software", "superalloys", "aerospace", "automotive", "scientific-instruments"],
    "210200": ["software", "catalysis", "machinery", "fine-chemicals", "aquaculture", "modern-logistics"],
    "210300": ["fine-steel", "magnesium-materials", "special-materials"],
    "210400": ["synthesis-separation", "fine-chemicals", "catalysis", "coal"],
    "210500": ["fine-steel", "tcm-industry-base"],
    "210600": ["scientific-instruments", "aquaculture", "electronic-equipment"],
    "210700": ["solar-energy", "optoelectronic-devices", "automotive"],
    "210800": ["magnesium-materials", "modern-logistics"],
    "210900": ["successor-industries", "coal", "wind-energy", "agri-deep-processing"],
    "211000": ["fine-chemicals", "chemical-materials"],
    "211100": ["petroleum", "crops", "natural-gas"],
    "211200": ["power-equipment", "crops"],
    "211300": ["wind-energy", "crops"],
    "211400": ["synthesis-separation", "aquaculture"],
    "220100": ["automotive", "optoelectronic-devices", "optical-displays", "innovative-drugs", "grain-chemicals"],
    "220200": ["chemical-materials", "fine-chemicals", "biochemical-engineering", "coal-chemicals"],
    "220300": ["crops", "power-equipment", "agri-deep-processing"],
    "220400": ["specialty-resources", "machinery"],
    "220500": ["tcm-industry-base", "authentic-herbs", "specialty-resources"],
    "220600": ["authentic-herbs", "forestry-industry", "specialty-resources"],
    "220700": ["petroleum", "crops", "grain-chemicals"],
    "220800": ["wind-energy", "crops"],
    "222400": ["specialty-resources", "authentic-herbs", "livestock", "tcm-industry-base"],
    "230100": ["aerospace", "power-equipment", "innovative-drugs", "software", "special-materials"],
    "230200": ["machinery", "fine-steel", "crops"],
    "230300": ["coal", "coal-chemicals", "successor-industries"],
    "230400": ["coal", "successor-industries"],
    "230500": ["coal", "agri-deep-processing"],
    "230600": ["petroleum", "synthesis-separation", "natural-gas", "catalysis"],
    "230700": ["forestry-industry", "forestry", "specialty-resources"],
    "230800": ["crops", "agri-deep-processing", "breeding"],
    "230900": ["coal", "coal-chemicals"],
    "231000": ["forestry-industry", "agri-deep-processing", "specialty-resources"],
    "231100": ["crops", "modern-logistics"],
    "231200": ["crops", "livestock", "agri-deep-processing"],
    "232700": ["forestry", "forestry-industry", "specialty-resources"],
}

# --- fields: (words used in names, technical terms used in descriptions and keywords) ---------

_FIELD_TEXT = {
    "software": "软件 信息技术 数码 网络 数据 | 嵌入式软件 数据库 中间件 信息安全 系统集成 软件外包 地理信息系统 办公自动化",
    "chemical-materials": "化工新材料 高分子 树脂 | 工程塑料 聚氨酯 有机硅 环氧树脂 特种橡胶 复合材料",
    "special-materials": "特种材料 新材料 陶瓷 | 碳纤维 特种陶瓷 钛合金 粉末冶金 表面涂层 非晶合金",
    "superalloys": "高温合金 精密合金 | 真空感应熔炼 定向凝固 单晶叶片 涡轮盘 热处理 扫描电镜",
    "rare-earth-magnets": "稀土 磁材 永磁 | 钕铁硼 稀土永磁 磁性材料 烧结 稀土分离",
    "magnesium-materials": "镁业 耐火材料 镁质材料 | 菱镁矿 电熔镁砂 镁合金 耐火材料 轻烧氧化镁",
    "energy-materials": "能源材料 电池 储能 | 锂离子电池 正极材料 燃料电池 储氢合金 电池隔膜",
    "fine-steel": "钢铁 特钢 钢材 | 冷轧板 硅钢 连铸 轧制 不锈钢 无缝钢管",
    "innovative-drugs": "生物制药 药业 生物工程 | 基因工程药物 疫苗 单克隆抗体 化学合成药 靶点筛选",
    "new-formulations": "制药 药业 | 缓释制剂 控释制剂 脂质体 透皮给药 冻干粉针",
    "drug-safety-evaluation": "药物评价 药物研究 | 新药安全评价 毒理学 药代动力学 药效学 实验动物",
    "digital-medical-devices": "医疗器械 医疗设备 医疗电子 | 数字化X射线 超声诊断 监护仪 医学影像 核磁共振",
    "optical-displays": "光电显示 显示技术 光电 | 液晶显示 有机发光 等离子显示 背光模组 发光二极管",
    "optoelectronic-devices": "光电子 激光 光学 | 半导体激光器 光纤 红外探测器 光学镀膜 光栅",
    "biochemical-engineering": "生物化工 生化 | 发酵 酶制剂 氨基酸 生物反应器 分离纯化",
    "catalysis": "催化剂 催化 | 催化剂 分子筛 加氢精制 催化裂化 贵金属催化",
    "synthesis-separation": "化工 分离技术 | 精馏 膜分离 萃取 结晶 吸附分离",
    "grain-chemicals": "粮食化工 淀粉 生化 | 玉米深加工 燃料乙醇 变性淀粉 赖氨酸 柠檬酸",
    "agrochemicals": "农化 化肥 农药 | 复合肥 生物农药 除草剂 缓释肥 植物生长调节剂",
    "coal-chemicals": "煤化工 焦化 | 煤气化 煤焦油 甲醇 煤液化 焦炉煤气",
    "fine-chemicals": "精细化工 化学 | 染料 涂料 表面活性剂 医药中间体 助剂",
    "clean-combustion": "洁净燃烧 锅炉 热能 | 循环流化床 低氮燃烧 水煤浆 余热回收 脱硫",
    "wind-energy": "风电 风能 | 风电机组 风力发电 风机叶片 变桨系统 风电场",
    "solar-energy": "太阳能 光伏 | 多晶硅 太阳能电池 光伏组件 太阳能热水器 单晶硅",
    "natural-gas": "燃气 天然气 | 压缩天然气 液化天然气 管道输送 燃气轮机 天然气",
    "geothermal": "地热 热泵 | 地源热泵 地热井 浅层地温能 清洁供暖 尾水回灌",
    "environmental-protection": "环保 环境工程 水处理 | 污水处理 烟气脱硫 固体废物 在线监测 膜生物反应器",
    "networked-manufacturing": "制造信息化 工业软件 | 计算机辅助设计 产品数据管理 网络化制造 制造执行系统 三维建模",
    "automotive": "汽车 汽车零部件 车辆 | 发动机 变速箱 汽车底盘 汽车电子 轿车 焊接",
    "machinery": "机械 重型机械 机床 装备 | 数控机床 加工中心 轴承 液压 铸造 锻压 焊接",
    "aerospace": "航空 航天 | 航空发动机 飞机部件 复合材料构件 钛合金 精密铸造",
    "electronic-equipment": "电子 通信设备 | 集成电路 印制电路板 传感器 通信设备 电子元器件",
    "scientific-instruments": "仪器仪表 分析仪器 | 色谱仪 质谱仪 光谱仪 扫描电镜 三坐标测量机 自动化仪表",
    "power-equipment": "电气 电力设备 电机 | 汽轮机 水轮机 变压器 高压开关 发电机组",
    "authentic-herbs": "中药材 药材 | 人参 五味子 刺五加 林蛙 鹿茸 规范化种植",
    "tcm-industry-base": "中药 药业 制药 | 中药提取 中成药 指纹图谱 有效成分 中药注射剂",
    "petroleum": "石油 油田 | 三次采油 聚合物驱 油田开发 钻井 采油工程",
    "coal": "煤炭 矿业 | 综采 煤层气 瓦斯治理 煤炭洗选 矿井安全",
    "forestry-industry": "森工 木业 林产 | 人造板 木材加工 林产化工 林下经济 森林资源",
    "successor-industries": "产业转型 新兴产业 | 接续产业 资源枯竭 产业转型 矿区复垦 替代产业",
    "crops": "农业 种业 作物 | 水稻 玉米 大豆 高产栽培 保护性耕作",
    "livestock": "畜牧 养殖 乳业 | 奶牛 肉牛 生猪 饲料 疫病防控",
    "forestry": "林业 苗木 | 造林 林木良种 红松 森林防火 林木育苗",
    "aquaculture": "水产 海洋 | 海参 鲑鱼 网箱养殖 苗种繁育 水产品加工",
    "breeding": "种业 育种 | 育种 杂交种 分子标记 转基因 制种",
    "specialty-resources": "特产 山珍 | 人参 林蛙 食用菌 蓝莓 黑木耳",
    "agri-service-network": "农业信息 农技服务 | 农业专家系统 科技特派员 农业信息网 测土配方 农技推广",
    "agri-deep-processing": "食品 粮油 农产品加工 | 大豆蛋白 玉米深加工 乳制品 肉制品 绿色食品",
    "agri-parks": "农业科技 现代农业 | 设施农业 节水灌溉 日光温室 示范推广 现代农业",
    "st-consulting": "科技咨询 管理咨询 | 科技咨询 技术诊断 项目策划 可行性研究 技术转移",
    "st-evaluation": "科技评估 评价 | 科技评估 成果鉴定 项目评审 绩效评价 技术经纪",
    "modern-logistics": "物流 储运 | 第三方物流 冷链物流 仓储 配送 物流信息系统",
    "tech-services": "技术服务 检测 | 检验检测 知识产权 技术培训 标准化 计量校准",
}
FIELD_WORDS: dict[str, tuple[list[str], list[str]]] = {
    code: (names.split(), terms.split()) for code, (names, terms) in ((c, t.split("|")) for c, t in _FIELD_TEXT.items())
}

FIELD_GROUPS = {
    "high_tech": (
        "software chemical-materials special-materials "
        "superalloys rare-earth-magnets magnesium-materials "
        "energy-materials fine-steel innovative-drugs "
        "new-formulations drug-safety-evaluation "
        "digital-medical-devices optical-displays "
        "optoelectronic-devices biochemical-engineering "
        "catalysis synthesis-separation grain-chemicals "
        "agrochemicals coal-chemicals fine-chemicals "
        "clean-combustion wind-energy solar-energy "
        "natural-gas geothermal environmental-protection"
    ).split(),
    "traditional": (
        "networked-manufacturing automotive machinery "
        "aerospace electronic-equipment "
        "scientific-instruments power-equipment "
        "authentic-herbs tcm-industry-base petroleum coal "
        "forestry-industry successor-industries"
    ).split(),
    "agriculture": (
        "crops livestock forestry aquaculture breeding "
        "specialty-resources agri-service-network "
        "agri-deep-processing agri-parks"
    ).split(),
    "services": ("st-consulting st-evaluation modern-logistics tech-services").split(),
}
ALL_FIELDS = [code for group in FIELD_GROUPS.values() for code in group]

# Laboratory and workshop equipment, named in descriptions of those who own or use it.
EQUIPMENT = (
    "扫描电镜 透射电镜 X射线衍射仪 核磁共振波谱仪 液质联用仪 气质联用仪 电子探针 激光粒度仪 "
    "原子吸收光谱仪 高效液相色谱仪 三坐标测量机 数控机床 五轴加工中心 万能材料试验机 热分析仪 "
    "红外光谱仪 等离子体质谱仪 疲劳试验机"
).split()

# Disciplines of universities and research institutes (names like 大连理工大学, 沈阳化工研究院).
DISCIPLINES = (
    "理工 工业 科技 化工 石油 农业 医科 中医药 师范 交通 建筑 林业 海事 电力 信息工程 航空航天 "
    "工程技术 轻工 电子科技 材料 冶金 机电 水利 畜牧兽医"
).split()

# Towns and sub-districts (乡镇/街道), common names across the north-east.
TOWNS = (
    "兴隆 新华 永安 太平 长岭 红旗 前进 胜利 东风 向阳 光明 新立 建设 友谊 富民 双山 大岭 三合 "
    "五星 新兴 民主 团结 永丰 四合 兴安 庆丰 双河 靠山 二龙 六合"
).split()

# --- brand words (字号) with their pinyin, for company names and e-mail domains ----------------

BRAND_CHARS = _pairs(
    "华hua 新xin 东dong 北bei 泰tai 盛sheng 恒heng 达da 宏hong "
    "远yuan 鑫xin 瑞rui 通tong 创chuang 博bo 金jin 信xin 辉hui "
    "天tian 海hai 中zhong 联lian 正zheng 安an 隆long 丰feng 德de "
    "润run 荣rong 光guang 明ming 兴xing 汇hui 源yuan 锦jin 嘉jia "
    "佳jia 宇yu 航hang 益yi 和he 众zhong 诚cheng 立li 卓zhuo 越yue "
    "凯kai 威wei 腾teng 飞fei 昌chang 永yong 晟sheng 祥xiang "
    "铭ming 朗lang 捷jie 拓tuo 实shi 松song 辽liao 吉ji 龙long "
    "江jiang 长chang 白bai 鹏peng 峰feng 泽ze 宁ning 科ke 智zhi "
    "力li 元yuan"
)

# --- organisation names, per kind ------------------------------------------------------------
# Placeholders: {c} city short name, {C} city full name, {d} district, {p} province short name,
# {b} brand (2 characters), {f} field word, {F} field (taxonomy) name, {u} discipline, {h} a host
# university (of key laboratories, engineering centres, science parks), {t} a town.

ORG_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "enterprise": [
        ("{c}{b}{f}有限公司", 40),
        ("{c}{b}{f}股份有限公司", 12),
        ("{c}{b}{f}有限责任公司", 12),
        ("{c}{b}{f}科技有限公司", 16),
        ("{b}{f}科技股份有限公司", 6),
        ("{p}{b}{f}集团有限公司", 5),
        ("{c}{b}{f}技术开发有限公司", 9),
    ],
    "university": [
        ("{c}{u}大学", 3),
        ("{p}{u}大学", 2),
        ("{c}{u}学院", 3),
        ("{c}{u}职业技术学院", 2),
        ("{p}{u}学院", 1),
        ("{c}{b}{u}学院", 2),
        ("{c}{u}高等专科学校", 1),
    ],
    "research_institute": [
        ("{p}{f}研究所", 3),
        ("{c}{f}研究所", 3),
        ("{p}{F}研究院", 2),
        ("{c}{u}研究院", 1),
        ("中国科学院{c}{f}研究所", 1),
        ("{p}{f}科学研究院", 1),
        ("{c}{b}{f}技术研究院有限公司", 1),
        ("{h}{F}研究所", 1),
    ],
    "engineering_center": [
        ("国家{F}工程技术研究中心", 1),
        ("{p}{F}工程技术研究中心", 3),
        ("{p}{f}工程研究中心", 2),
        ("{c}{f}工程技术研究中心", 3),
        ("{h}{F}工程技术研究中心", 2),
    ],
    "key_laboratory": [
        ("{F}国家重点实验室", 1),
        ("{p}{F}重点实验室", 3),
        ("{c}{f}重点实验室", 2),
        ("教育部{F}重点实验室", 1),
        ("{h}{F}重点实验室", 3),
    ],
    "productivity_center": [
        ("{C}生产力促进中心", 1),
        ("{C}{d}生产力促进中心", 3),
        ("{p}{f}行业生产力促进中心", 2),
        ("{c}{f}生产力促进中心", 2),
        ("{C}{d}{f}行业生产力促进中心", 2),
        ("{C}{d}{t}镇生产力促进中心", 1),
    ],
    "incubator": [
        ("{c}{b}科技企业孵化器", 3),
        ("{C}{d}科技创业服务中心", 2),
        ("{C}{d}留学人员创业园", 1),
        ("{c}{f}专业孵化器", 2),
        ("{c}{b}创业中心", 2),
    ],
    "university_science_park": [
        ("{c}{u}大学国家大学科技园", 1),
        ("{c}{u}大学科技园", 2),
        ("{p}{u}学院科技园", 1),
        ("{h}科技园", 1),
    ],
    "technology_market": [
        ("{C}技术市场", 1),
        ("{C}{d}技术市场", 2),
        ("{c}{f}技术交易中心", 2),
        ("{c}{b}技术产权交易所", 2),
        ("{p}技术产权交易中心", 1),
    ],
    "venture_capital": [
        ("{c}{b}创业投资有限公司", 4),
        ("{b}{f}风险投资管理有限公司", 2),
        ("{c}{b}科技投资有限公司", 3),
        ("{p}{b}创业投资基金管理有限公司", 1),
    ],
    "intermediary": [
        ("{c}{b}科技咨询有限公司", 4),
        ("{c}{b}科技评估中心", 2),
        ("{c}{b}知识产权代理事务所", 2),
        ("{c}{b}技术转移服务中心", 2),
        ("{c}{b}{f}技术服务有限公司", 3),
        ("{c}{f}检测中心", 1),
    ],
    "agricultural_park": [
        ("{C}{d}国家农业科技园区", 1),
        ("{C}{d}农业科技示范园", 3),
        ("{c}{f}农业科技园区", 2),
        ("{c}{b}现代农业示范园", 2),
    ],
    "international_base": [
        ("{c}中俄{f}科技合作基地", 3),
        ("{C}对俄科技合作中心", 1),
        ("{p}东北亚{f}国际合作示范基地", 2),
        ("{c}中日{f}技术合作中心", 1),
        ("{c}中韩{f}国际合作基地", 1),
        ("{c}{b}国际技术转移中心", 1),
    ],
    "government": [
        ("{C}科学技术局", 1),
        ("{C}{d}科学技术局", 4),
        ("{C}{d}科技创新服务中心", 2),
        ("{C}{d}工业和信息化局", 2),
        ("{C}{d}农业技术推广中心", 2),
        ("{C}{d}{t}镇农业技术推广站", 3),
        ("{C}{d}{t}街道科技服务站", 2),
    ],
}

# How often each kind is generated (high-tech zones are the seven of record, never generated).
KIND_WEIGHTS: dict[str, float] = {
    "enterprise": 62,
    "intermediary": 8,
    "research_institute": 6,
    "venture_capital": 3,
    "incubator": 3,
    "key_laboratory": 3,
    "engineering_center": 2,
    "productivity_center": 2,
    "agricultural_park": 2,
    "university": 1.5,
    "technology_market": 1.5,
    "international_base": 1.5,
    "university_science_park": 1,
    "government": 1,
}

# Fields each kind draws from (group names of FIELD_GROUPS, or None for any), and how many.
KIND_FIELDS: dict[str, tuple[list[str] | None, int, int]] = {
    "enterprise": (["high_tech", "high_tech", "traditional", "agriculture"], 1, 2),
    "university": (None, 3, 5),
    "research_institute": (None, 1, 3),
    "engineering_center": (["high_tech", "traditional"], 1, 2),
    "key_laboratory": (["high_tech", "traditional", "agriculture"], 1, 1),
    "productivity_center": (["services", "traditional"], 1, 3),
    "incubator": (["high_tech"], 2, 4),
    "university_science_park": (["high_tech", "traditional"], 2, 4),
    "technology_market": (["services"], 1, 2),
    "venture_capital": (["high_tech"], 2, 4),
    "intermediary": (["services"], 1, 2),
    "agricultural_park": (["agriculture"], 2, 3),
    "international_base": (None, 1, 3),
    "government": (["services"], 0, 1),
}

# 统一社会信用代码: registration authority + organisation type (GB 32100 Annex A).
KIND_USCC = {
    "enterprise": "91",
    "venture_capital": "91",
    "intermediary": "91",
    "incubator": "91",
    "technology_market": "91",
    "university": "12",
    "research_institute": "12",
    "engineering_center": "12",
    "key_laboratory": "12",
    "productivity_center": "12",
    "university_science_park": "12",
    "agricultural_park": "12",
    "international_base": "12",
    "government": "11",
}

KIND_EMAIL = {
    "university": ("office", "edu.cn"),
    "research_institute": ("office", "ac.cn"),
    "engineering_center": ("center", "ac.cn"),
    "key_laboratory": ("lab", "ac.cn"),
    "government": ("kjj", "gov.cn"),
}

# --- descriptions ----------------------------------------------------------------------------

DESCRIPTION_OPENERS: dict[str, list[str]] = {
    "enterprise": [
        "{name}是一家从事{F}领域技术研发、生产和销售的{ent}，主要产品涉及{t1}和{t2}。",
        "{name}成立于{year}年，是{C}重点培育的{ent}，专注于{t1}、{t2}等{F}技术的产业化。",
    ],
    "university": [
        "{name}是{p}省属重点高校，在{F}、{F2}等学科方向具有特色，设有{t1}研究团队。",
        "{name}始建于{year}年，面向东北老工业基地振兴培养{F}和{F2}领域的工程技术人才。",
    ],
    "research_institute": [
        "{name}主要从事{F}领域的应用基础研究和工程化开发，在{t1}、{t2}方面形成了技术优势。",
        "{name}建于{year}年，是{p}从事{F}研究的骨干科研机构，承担多项国家863计划课题。",
    ],
    "engineering_center": [
        "{name}依托骨干企业和高校组建，围绕{F}开展工程化研究，重点突破{t1}和{t2}关键技术。",
    ],
    "key_laboratory": [
        "{name}以{F}为主要研究方向，在{t1}、{t2}等方面开展前沿研究，实验室面向社会开放共享。",
    ],
    "productivity_center": [
        "{name}为区域中小企业提供{t1}、{t2}等服务，推动{F}技术在传统产业中的推广应用。",
    ],
    "incubator": [
        "{name}为{F}等领域的初创科技企业提供场地、融资和{t1}服务，累计孵化企业百余家。",
    ],
    "university_science_park": [
        "{name}依托高校学科和人才优势，促进{F}科技成果转化和高新技术企业孵化。",
    ],
    "technology_market": [
        "{name}开展技术合同登记、{t1}和技术产权交易，促进{F}等领域的成果转化。",
    ],
    "venture_capital": [
        "{name}主要投资{F}、{F2}等领域处于初创期和成长期的科技型企业。",
    ],
    "intermediary": [
        "{name}是专业科技中介服务机构，提供{t1}、{t2}等服务，服务对象覆盖{p}各地市。",
    ],
    "agricultural_park": [
        "{name}以{F}为主导产业，开展{t1}、{t2}的引进、示范和推广，带动周边农户增收。",
    ],
    "international_base": [
        "{name}面向俄罗斯及东北亚国家开展{F}领域的技术引进和联合研发，重点合作方向为{t1}。",
    ],
    "government": [
        "{name}负责本地区科技发展规划和科技计划项目管理，推动{F}等重点领域的科技进步。",
    ],
}

DESCRIPTION_MORE = [
    "拥有{e1}、{e2}等大型仪器设备，可对外提供分析测试服务。",
    "与{partner}等单位建立了长期产学研合作关系。",
    "近年来承担国家和省部级科技项目{n}项，获得授权专利{m}项。",
    "积极参与振兴东北老工业基地科技行动，推动{t3}技术的推广应用。",
]
DESCRIPTION_MORE_ENTERPRISE = [
    "在{t3}方面拥有自主知识产权，产品销往全国并出口俄罗斯、日本、韩国等国家。",
    "建有省级企业技术中心，研发人员占职工总数的{pct}%以上。",
]

PARTNER_UNIVERSITIES = (
    "东北大学 大连理工大学 吉林大学 哈尔滨工业大学 哈尔滨工程大学 东北师范大学 东北林业大学 "
    "东北农业大学 辽宁大学 沈阳工业大学 长春理工大学 中国科学院金属研究所 中国科学院大连化学物理研究所 "
    "中国科学院长春光学精密机械与物理研究所 中国科学院长春应用化学研究所"
).split()

# --- people ----------------------------------------------------------------------------------

# Surnames, weighted roughly by frequency in the north-east.
SURNAMES = _weighted(
    "王wang9 李li9 张zhang8 刘liu8 赵zhao5 孙sun5 杨yang4 陈chen4 "
    "于yu4 高gao3 徐xu3 马ma3 周zhou3 吴wu2 朱zhu2 郭guo2 韩han2 "
    "崔cui2 姜jiang2 曲qu1 董dong2 曹cao1 田tian1 黄huang1 林lin1 "
    "郑zheng1 谢xie1 宋song1 唐tang1 许xu1 冯feng1 邓deng1 "
    "丁ding1 魏wei1 薛xue1 范fan1 石shi1 白bai1 金jin1 付fu1 "
    "尹yin1 孟meng1 隋sui1 关guan1 那na1 吕lv1 侯hou1 谭tan1"
)

GIVEN_MALE = _pairs(
    "伟wei 刚gang 勇yong 军jun 强qiang 建jian 国guo 明ming 志zhi "
    "永yong 海hai 东dong 峰feng 斌bin 波bo 辉hui 宏hong 涛tao "
    "鹏peng 磊lei 振zhen 兴xing 立li 文wen 成cheng 庆qing 春chun "
    "德de 胜sheng 忠zhong 宇yu 浩hao 晨chen 松song 林lin"
)
GIVEN_FEMALE = _pairs(
    "丽li 娟juan 敏min 静jing 艳yan 芳fang 秀xiu 英ying 华hua "
    "玲ling 红hong 霞xia 燕yan 萍ping 梅mei 雪xue 琳lin 颖ying "
    "婷ting 欣xin 洁jie 慧hui 娜na 晶jing 佳jia 悦yue 岩yan 雯wen"
)

TITLES_ACADEMIC = [("教授", 4), ("研究员", 4), ("副教授", 3), ("副研究员", 3), ("高级工程师", 2), ("讲师", 1)]
TITLES_INDUSTRY = [("高级工程师", 5), ("正高级工程师", 2), ("工程师", 4), ("高级经济师", 1), ("助理工程师", 1)]
POSITIONS_ACADEMIC = ["院长", "副院长", "所长", "副所长", "实验室主任", "学科带头人", "课题组长", "系主任", ""]
POSITIONS_INDUSTRY = ["总经理", "副总经理", "总工程师", "技术总监", "研发中心主任", "质量部部长", "董事长", ""]
JUNIOR_TITLES = {"讲师", "工程师", "助理工程师"}
POSITIONS_JUNIOR = ["课题组成员", "项目经理", "技术员", ""]
DEGREES = [("博士", 6), ("硕士", 3), ("学士", 1)]

ACADEMIC_KINDS = {"university", "research_institute", "engineering_center", "key_laboratory"}

BIO_TEMPLATES = [
    "{name}，{title}，长期从事{F}领域的研究工作，在{t1}和{t2}方面取得多项成果。",
    "{name}，{title}，主要研究方向为{t1}、{t2}，主持国家和省部级科研项目多项。",
    "{name}，{title}，从事{F}技术开发与工程应用，熟悉{t1}工艺。",
]


def vocabulary() -> list[str]:
    """The technical words of the generator (field names, field words, terms, equipment), sorted,
    without duplicates: what benchmark queries are drawn from."""
    from nesta.core.reference import taxonomy_terms

    words: set[str] = set(taxonomy_terms())
    for name_words, terms in FIELD_WORDS.values():
        words.update(name_words)
        words.update(terms)
    words.update(EQUIPMENT)
    return sorted(words)
