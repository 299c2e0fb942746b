"""The thesaurus seed, part 2: chemicals, pharmaceuticals, agriculture, energy, electronics,
environment, information technology and services (same line format as seed_industry.py)."""

CONCEPTS = """
chem-catalyst|催化剂失活|catalysis|催化剂*寿命短 催化剂*换得勤 催化剂*中毒 转化率*下降|失活 积碳 烧结 中毒|催化剂再生 抗积碳催化剂 分子筛催化剂 负载型催化剂 催化剂寿命|催化失活
chem-selectivity|反应选择性与收率|catalysis|收率*低 副产物*多 反应*不完全 产品*纯度低|选择性差 副反应|选择性催化 反应工艺优化 连续流反应 微通道反应器|收率
chem-separation|分离提纯|synthesis-separation|分不开 提纯*难 杂质*去不掉 产品*纯度*不够|共沸 杂质残留|精馏 萃取 结晶 膜分离 分子蒸馏 色谱分离 吸附分离|分离技术
chem-membrane|膜分离|synthesis-separation|膜*堵 膜*污染 膜*通量下降|膜污染 膜通量衰减|反渗透 超滤 纳滤 膜材料 抗污染膜|膜技术
chem-crystal|结晶与粒度控制|fine-chemicals|结晶*结块 颗粒*不均 粒度*不稳定 产品*结块|结块 晶型不稳 粒度分布宽|结晶工艺 晶型控制 喷雾干燥 粒度控制|结晶技术
chem-polymerization|聚合工艺|chemical-materials|聚合*暴聚 分子量*不稳定 批次*差异大|暴聚 分子量分布宽|聚合工艺控制 活性聚合 聚合反应器|聚合
chem-safety|化工过程安全|fine-chemicals|反应*飞温 釜*超压 冲料 安全*隐患|热失控 飞温 超压|反应量热 本质安全 HAZOP 安全联锁 过程安全|本质安全
chem-coal|煤化工|coal-chemicals|煤*转化率低 气化炉*结渣 焦炉*污染|结渣 焦油 灰渣|煤气化 煤制烯烃 煤焦油加工 煤液化 焦化|煤转化
chem-grain|粮食深加工化工|grain-chemicals|玉米*附加值低 淀粉*废水 秸秆*没人要|副产物利用率低|玉米深加工 淀粉糖 生物基化学品 聚乳酸 燃料乙醇 秸秆综合利用|粮食化工
chem-fertilizer|化肥与农用化工|agrochemicals|化肥*利用率低 土壤*板结 肥料*流失|肥料利用率低 土壤板结|缓控释肥 水溶肥 生物有机肥 测土配方施肥|肥料
chem-pesticide|农药与植保|agrochemicals|打药*不管用 虫*抗药 农药*残留 病虫害*防不住|抗药性 农药残留|生物农药 绿色防控 精准施药 植保无人机 低毒农药|植物保护
chem-coating-material|涂料与胶粘剂|fine-chemicals|胶*粘不牢 胶*脱开 胶水*味道大 涂料*VOC|粘接强度低 VOC超标|胶粘剂 水性胶 无溶剂胶 低VOC涂料|粘接
chem-surfactant|表面活性剂与助剂|fine-chemicals|泡沫*太多 乳液*分层 乳化*不稳定|乳液分层 起泡|表面活性剂 乳化剂 消泡剂 分散剂 助剂|助剂
chem-biochem|生物化工发酵|biochemical-engineering|发酵*染菌 发酵*产量低 菌种*退化 发酵*周期长|染菌 菌种退化 产率低|发酵工程 菌种改良 代谢工程 合成生物学 生物催化 酶工程|生物发酵
pharma-api|原料药工艺|innovative-drugs|原料药*杂质超标 原料药*收率低 工艺*放大*不行|杂质超标 基因毒杂质 晶型转变|原料药工艺优化 合成路线 手性合成 绿色合成 工艺放大|API
pharma-formulation|药物制剂|new-formulations|药*溶出度低 片剂*裂片 药片*吸潮 生物利用度*低|溶出度低 裂片 吸湿 稳定性差|缓释制剂 控释 固体分散体 纳米制剂 脂质体 微球 制剂处方优化|新型制剂
pharma-consistency|仿制药一致性评价|new-formulations|仿制药*不一致 一致性评价*过不了 溶出曲线*不一致|溶出曲线不一致 生物不等效|一致性评价 生物等效性 溶出曲线 质量对比研究|一致性
pharma-safety|新药安全评价|drug-safety-evaluation|药*毒性 新药*安全性 临床前*评价|毒性 不良反应 肝毒性|药物安全性评价 GLP 毒理学研究 药代动力学 临床前研究|安全评价
pharma-new-drug|创新药研发|innovative-drugs|新药*靶点 药*耐药|耐药|靶向药物 抗体药物 小分子药物 药物筛选 先导化合物 计算机辅助药物设计|创新药
pharma-biologics|生物制品|innovative-drugs|疫苗*产量低 抗体*表达量低 细胞*培养*密度低|表达量低 聚集|单克隆抗体 重组蛋白 细胞培养工艺 疫苗 蛋白纯化|生物药
pharma-quality|药品质量检测|drug-safety-evaluation|杂质*测不准 含量*不稳定 检验*慢|含量偏差 有关物质|高效液相色谱 液质联用 方法学验证 质量标准|药检
tcm-herb|中药材种植与质量|authentic-herbs|药材*有效成分低 药材*农残 人参*连作 中药材*品质不稳|连作障碍 有效成分含量低 农残超标|道地药材 规范化种植 GAP 中药材质量控制 仿野生栽培|中药材
tcm-extraction|中药提取与现代化|tcm-industry-base|提取*效率低 中药*有效成分*提不出来 浸膏*粘|提取率低 有效成分损失|超临界萃取 超声提取 中药提取工艺 指纹图谱 中药配方颗粒|中药现代化
tcm-ginseng|人参等特产资源开发|specialty-resources|人参*卖不上价 鹿茸*深加工 林蛙*利用|附加值低|人参皂苷 人参深加工 鹿产品 北药开发 特产资源综合利用|长白山特产
med-device-imaging|医学影像设备|digital-medical-devices|片子*不清楚 图像*噪声 设备*全靠进口|图像伪影 噪声|医学影像 CT 超声成像 磁共振 图像重建 人工智能辅助诊断|影像设备
med-device-monitor|监护与诊断设备|digital-medical-devices|基层*缺设备 检测*太慢 病人*监护|误报警|便携式诊断 即时检验 POCT 可穿戴监护 远程医疗|医疗器械
med-biomaterial|医用材料|digital-medical-devices|植入物*排异 支架*再狭窄 材料*生物相容性|排异反应 生物相容性差|生物医用材料 可降解支架 医用钛合金 组织工程|医用材料
agri-yield|作物产量与品质|crops|产量*上不去 粮食*减产 玉米*倒伏 水稻*倒伏 品质*不好|倒伏 减产 早衰|高产栽培 密植 水肥一体化 化控防倒 栽培技术|增产
agri-soil|黑土退化与土壤改良|crops|黑土*变薄 土*越来越硬 盐碱地 土壤*肥力下降 土地*板结|黑土退化 土壤侵蚀 盐碱化 有机质下降|黑土地保护 保护性耕作 秸秆还田 盐碱地改良 土壤改良剂 深松|土壤改良
agri-straw|秸秆处理|crops|秸秆*没处放 秸秆*焚烧 秸秆*难处理|秸秆焚烧 资源浪费|秸秆还田 秸秆饲料化 秸秆能源化 秸秆基料 秸秆综合利用|秸秆利用
agri-disease-crop|作物病害|crops|玉米*大斑病 水稻*稻瘟 大豆*根腐 叶子*发黄 作物*烂根|稻瘟病 大斑病 根腐病 纹枯病|病害防控 抗病品种 生物防治 病害预测预报|植物病害
agri-pest|作物虫害|crops|玉米螟 草地贪夜蛾 大豆食心虫 蚜虫 虫子*多|虫害|害虫绿色防控 赤眼蜂 性诱剂 生物防治 虫情监测|病虫害
agri-weed|杂草防除|crops|草*除不掉 杂草*抗药 除草剂*药害|除草剂药害 杂草抗性|化学除草 机械除草 除草剂安全使用|除草
agri-seed|种子与育种|breeding|种子*不出苗 发芽率*低 种子*退化 品种*不抗病|发芽率低 品种退化|分子育种 杂交育种 基因编辑 种子包衣 品种选育 转基因|良种
agri-rice|水稻|crops|大米*不好吃 水稻*低温冷害 稻*空壳|冷害 空秕|寒地水稻 优质稻 水稻育秧 水稻机插|稻谷
agri-corn|玉米|crops|玉米*籽粒*脱水慢 玉米*霉变 玉米*含水量高|籽粒脱水慢 霉变|籽粒机收 玉米品种 密植高产 玉米烘干|苞米
agri-soybean|大豆|crops|大豆*产量低 大豆*蛋白低 大豆*重茬|重迎茬障碍|高油大豆 高蛋白大豆 大豆轮作 根瘤菌|黄豆
agri-greenhouse|设施农业|crops|大棚*冬天*冷 温室*冻 大棚*湿度大 棚室*病多|低温冻害 高湿病害|日光温室 智能温室 环境调控 无土栽培 补光|温室大棚
agri-machinery|农业机械|crops|收割*损失大 播种*不匀 农机*老 人工*太贵|收获损失 播种不均|智能农机 精量播种 联合收获 农机导航 无人驾驶农机|农机
agri-irrigation|节水灌溉|crops|旱*浇不上 灌溉*费水 干旱*减产|干旱 水资源短缺|滴灌 喷灌 水肥一体化 膜下滴灌 智能灌溉|灌溉
agri-smart|智慧农业|agri-service-network|种地*靠经验 看不到*地里 农情*不清楚|信息不对称|智慧农业 农业物联网 遥感监测 精准农业 农业大数据|数字农业
agri-storage|粮食储藏|agri-deep-processing|粮*发霉 粮食*生虫 储粮*损耗|霉变 储粮害虫 发热|低温储粮 气调储粮 粮情监测 烘干技术|储粮
agri-processing|农产品加工|agri-deep-processing|农产品*卖不上价 初加工*多 深加工*少|附加值低|农产品精深加工 功能食品 保鲜加工 冷链|农产品深加工
agri-preservation|果蔬保鲜|agri-deep-processing|水果*烂 蔬菜*放不住 运输*损耗大|腐烂 失水 褐变|冷链物流 气调保鲜 保鲜剂 预冷|保鲜
agri-food-safety|食品安全检测|agri-deep-processing|食品*检测*慢 农残*超标 重金属*超标 食品*变质|农残超标 重金属超标 微生物超标|快速检测 食品安全追溯 检测试剂盒 食品质量控制|食品安全
agri-edible-fungi|食用菌|specialty-resources|木耳*产量低 蘑菇*污染 菌包*烂|杂菌污染|食用菌栽培 黑木耳 菌种 工厂化栽培|蘑菇
agri-berry|特色浆果与林下经济|specialty-resources|蓝莓*产量低 林下*种什么|低产|蓝莓 五味子 林下经济 寒地果树|小浆果
livestock-disease|畜禽疫病|livestock|猪*病 牛*病 鸡*死 猪瘟 禽流感 腹泻|疫病 病死率高|疫苗 疫病防控 兽药 生物安全 诊断试剂|动物疫病
livestock-feed|饲料与营养|livestock|饲料*贵 牛*长得慢 奶牛*产奶少 料肉比*高|料肉比高 营养失衡|饲料配方 精准饲喂 青贮 饲料添加剂 替抗|饲料
livestock-breeding|畜禽繁育|livestock|母猪*不发情 奶牛*配不上 繁殖率*低|繁殖障碍 受胎率低|人工授精 胚胎移植 性控冻精 种畜选育|畜禽育种
livestock-manure|畜禽粪污处理|livestock|粪*没处理 粪污*臭 养殖*污染|粪污 臭气 氨排放|粪污资源化 堆肥 沼气 种养结合 有机肥|粪污治理
livestock-dairy|乳品与肉品加工|agri-deep-processing|牛奶*菌落超标 肉*保质期短|菌落超标 腐败|乳品加工 低温肉制品 冷鲜肉 发酵乳|乳制品
aqua|水产养殖|aquaculture|鱼*死 鱼*病 水质*差 冬天*缺氧|水质恶化 缺氧 鱼病|循环水养殖 水质调控 鱼病防治 冷水鱼养殖|养鱼
forestry|林业与森林资源|forestry|树*病 林子*虫害 苗*成活率低|成活率低 林业病虫害|造林技术 育苗 森林防火 林木良种|森林
forestry-wood|木材加工|forestry-industry|木材*开裂 木板*变形 家具*甲醛|开裂 甲醛释放|木材改性 木材干燥 无醛胶 人造板|木业
energy-boiler|锅炉与燃烧|clean-combustion|锅炉*效率低 锅炉*冒黑烟 烧煤*污染 锅炉*结焦|结焦 燃烧不充分 黑烟|清洁燃烧 低氮燃烧 循环流化床 燃烧优化 锅炉改造|燃烧技术
energy-saving|工业节能|clean-combustion|电费*高 能耗*高 用能*浪费 蒸汽*浪费|能耗高|余热回收 变频节能 能量系统优化 热泵 合同能源管理|节能降耗
energy-heat-exchanger|换热器|power-equipment|换热器*结垢 换热*效率低 换热管*漏|结垢 传热恶化|强化传热 板式换热器 防垢 在线清洗|换热设备
energy-wind|风电|wind-energy|风机*结冰 风机*故障 叶片*裂|叶片结冰 齿轮箱故障 叶片开裂|风力发电 风机叶片 风电运维 变桨控制 低温型风机|风力发电
energy-solar|太阳能光伏与光热|solar-energy|光伏板*积雪 光伏*发电少 组件*衰减|功率衰减 热斑|光伏发电 光伏组件 光热利用 太阳能集热|光伏
energy-storage|储能与电池|energy-materials|电池*冬天*没电 电池*衰减快 电池*鼓包 续航*短|容量衰减 低温性能差 热失控|锂离子电池 储能 电池管理系统 固态电池 钠离子电池 正极材料 负极材料|动力电池
energy-hydrogen|氢能|energy-materials|氢*储存*难 制氢*成本高|氢脆|电解水制氢 燃料电池 储氢材料 加氢站|氢能源
energy-gas|天然气利用|natural-gas|天然气*供应*不稳 燃气*泄漏|泄漏|LNG 天然气分布式能源 燃气轮机 燃气安全监测|燃气
energy-geothermal|地热与热泵|geothermal|冬天*供暖*贵 供暖*效率低|供暖能耗高|地源热泵 空气源热泵 地热供暖 中深层地热|地热能
energy-grid|电网与电能质量|power-equipment|电压*不稳 停电 谐波 变压器*发热|电压波动 谐波污染 三相不平衡|智能电网 无功补偿 电能质量治理 配电自动化|电力系统
energy-motor|电机|power-equipment|电机*发热 电机*效率低 电机*烧|绕组过热 效率低|高效电机 永磁电机 变频调速 电机能效提升|电动机
energy-transformer|输变电设备|power-equipment|变压器*漏油 开关*烧 电缆*击穿|局部放电 绝缘老化 击穿|绝缘材料 在线监测 特高压 GIS 状态检修|输变电
petro-oilfield|油田开采|petroleum|油井*产量下降 油田*含水高 采油*成本高|含水率上升 产量递减|提高采收率 三次采油 聚合物驱 压裂 水平井|采油
petro-refining|炼油与石化|petroleum|装置*结焦 油品*不合格 加热炉*结焦|结焦 腐蚀|加氢精制 催化裂化 炼化一体化 装置长周期运行|石油化工
coal-mining|煤矿开采与安全|coal|瓦斯*超限 矿井*透水 顶板*事故 采煤*效率低|瓦斯突出 冲击地压 透水|智能采煤 瓦斯抽采 顶板支护 矿山安全监测|煤矿安全
coal-washing|选煤与煤炭清洁利用|coal|煤*灰分高 煤泥*处理|灰分高 煤泥|选煤 浮选 煤炭清洁利用 型煤|洗煤
mining-tailings|尾矿与资源综合利用|successor-industries|尾矿*堆着 尾矿库*安全 废石*占地|尾矿堆存 资源浪费|尾矿综合利用 尾矿制建材 资源回收 矿山生态修复|尾矿
env-wastewater|工业废水处理|environmental-protection|废水*超标 污水*处理不达标 COD*降不下来 氨氮*超标 废水*发黑|COD超标 氨氮超标 难降解有机物|高级氧化 生化处理 MBR 芬顿氧化 废水回用 零排放|污水处理
env-sludge|污泥处理|environmental-protection|污泥*处理*贵 污泥*没地方放 污泥*含水高|含水率高|污泥脱水 污泥干化 污泥焚烧 厌氧消化|污泥处置
env-air|大气污染治理|environmental-protection|烟气*超标 冒烟 粉尘*大 异味*大 排放*超标|SO2超标 NOx超标 粉尘超标 VOCs|脱硫 脱硝 除尘 VOCs治理 SCR 布袋除尘 RTO|废气治理
env-solid|固体废物处理|environmental-protection|垃圾*没法处理 危废*处理*贵 废渣*堆积|固废堆存 二次污染|固废资源化 危废处置 垃圾焚烧 工业固废综合利用|固废
env-soil|污染土壤修复|environmental-protection|土壤*污染 场地*污染 重金属*污染|重金属污染 有机污染|土壤修复 原位修复 植物修复 固化稳定化|场地修复
env-water-source|饮用水安全|environmental-protection|水*发黄 水*有异味 井水*超标|铁锰超标 氟超标|饮用水处理 除铁除锰 净水设备|水处理
env-monitoring|环境监测|environmental-protection|排放*不清楚 监测*设备*贵 在线监测*数据不准|监测数据失真|在线监测 环境监测仪器 物联网监测|环保监测
env-noise|噪声与振动控制|environmental-protection|车间*噪音大 设备*噪声*扰民|噪声超标|降噪 隔声 消声器 吸声材料 减振|噪声治理
elec-pcb|电路板与电子组装|electronic-equipment|焊点*虚焊 板子*短路 电路板*烧 贴片*偏|虚焊 短路 焊点开裂 立碑|SMT工艺 回流焊 波峰焊 可靠性测试|电子装联
elec-emc|电磁兼容|electronic-equipment|设备*互相干扰 信号*干扰 电磁*辐射超标|电磁干扰 辐射超标|电磁兼容设计 屏蔽 滤波 接地设计 EMC测试|EMC
elec-thermal|电子散热|electronic-equipment|芯片*发热 设备*过热 散热*不好|过热 热失效|热管理 热管散热 液冷 导热材料 散热设计|散热
elec-sensor|传感器|scientific-instruments|测不到 信号*弱 传感器*漂移 传感器*进口|零点漂移 灵敏度低|MEMS传感器 光纤传感 传感器设计 智能传感器|传感
elec-display|显示器件|optical-displays|屏*亮度不够 屏幕*坏点 显示*色差|坏点 色偏 亮度不均|OLED LCD Micro LED 显示驱动 光学膜|显示技术
elec-optoelectronic|光电子器件|optoelectronic-devices|激光器*寿命短 LED*光衰 光模块*贵|光衰 热失效|半导体激光器 LED芯片 光电探测器 光通信器件|光电器件
elec-semiconductor|半导体与集成电路|electronic-equipment|芯片*卡脖子 芯片*进口 芯片*良率低|良率低|集成电路设计 芯片封装 功率半导体 碳化硅器件 IGBT|芯片
elec-power-electronics|电力电子|power-equipment|变频器*坏 电源*效率低 逆变器*发热|开关损耗 谐波|变频器 逆变器 开关电源 功率器件|电源技术
it-automation|工业自动化与控制|networked-manufacturing|人工*多 生产线*自动化低 设备*靠人看 招工难|生产效率低|工业机器人 自动化生产线 PLC控制 运动控制 机器换人|自动化
it-iot|工业互联网与物联网|networked-manufacturing|设备*联不上网 数据*采集不上来 设备*状态看不到|信息孤岛|工业互联网 设备联网 数据采集 物联网平台 边缘计算|物联网
it-mes|生产管理信息化|networked-manufacturing|生产*排不过来 订单*交期*拖 库存*积压 车间*管理乱|交期延误 库存积压|MES 生产排程 ERP 精益生产 数字化车间|信息化管理
it-digital-twin|数字孪生与仿真|networked-manufacturing|试错*成本高 样机*做很多次|试制周期长|数字孪生 仿真优化 虚拟调试 有限元分析 CAE|仿真
it-ai|人工智能与大数据|software|数据*用不起来 靠人*判断 经验*传不下去|数据利用率低|人工智能 机器学习 大数据分析 知识图谱 深度学习 预测模型|AI
it-software|工业软件|software|软件*全靠进口 软件*贵 系统*不好用|软件依赖进口|工业软件 CAD CAM PLM 嵌入式软件 国产化软件|软件开发
it-security|网络与信息安全|software|系统*被攻击 数据*泄露 病毒|网络攻击 数据泄露|网络安全 工控安全 加密 安全审计|信息安全
it-logistics|物流与仓储|modern-logistics|仓库*乱 发货*错 物流*成本高 找货*难|库存不准 配送效率低|智能仓储 物流管理系统 AGV 自动化立体库 冷链物流|仓储物流
auto-lightweight|汽车轻量化|automotive|车*太重 油耗*高 续航*不够|整车质量大|轻量化 铝合金车身 高强钢 复合材料车身 一体化压铸 拓扑优化|减重
auto-nvh|汽车噪声振动|automotive|车*异响 车内*噪音大 方向盘*抖|异响 NVH 共振|NVH优化 隔声降噪 减振设计 模态分析|噪声振动
auto-ev|新能源汽车|automotive|电动车*冬天*续航 充电*慢|低温续航衰减|电驱动 电控 热泵空调 快充 电池热管理|电动汽车
auto-parts|汽车零部件可靠性|automotive|零件*三包*退回 零部件*故障率高|早期失效|可靠性试验 耐久试验 失效分析 台架试验|零部件
aero-composite|航空结构|aerospace|飞机*零件*进口 结构*重|结构重量大|航空复合材料 结构健康监测 航空铝合金 航空制造|航空制造
rail|轨道交通装备|machinery|车轮*磨 钢轨*磨 转向架*裂|轮轨磨耗 疲劳裂纹|轨道交通 转向架 车轮钢 动车组|轨道车辆
ship|船舶与海工|machinery|船体*锈 焊接*效率低 船舶*油耗|船体腐蚀|船舶制造 海洋工程装备 船舶节能|造船
robot|机器人|machinery|机器人*精度差 机器人*贵|重复定位精度低|工业机器人 协作机器人 机器人减速器 伺服电机 机器人视觉|机械手
instrument-analysis|分析测试|scientific-instruments|成分*测不出 测不准 检测*送外地 检测*周期长|检出限高|光谱分析 色谱分析 质谱分析 电子显微镜 X射线衍射 能谱分析|检测分析
instrument-domestic|科学仪器国产化|scientific-instruments|仪器*全进口 仪器*维修*贵|依赖进口|国产仪器 仪器研制 仪器仪表 精密仪器|仪器仪表
service-ip|知识产权服务|st-consulting|专利*怎么申请 被*侵权 专利*纠纷|侵权风险|专利申请 专利布局 知识产权保护 专利分析 FTO分析|专利服务
service-evaluation|科技评估与成果评价|st-evaluation|技术*值多少钱 成果*怎么评价|估值不清|科技成果评价 技术评估 资产评估 技术经纪|成果评价
service-consulting|科技咨询|st-consulting|不知道*找谁 转型*没方向 技术路线*不清楚|技术路线不清|技术咨询 战略咨询 可行性研究 技术诊断|咨询服务
service-testing|检验检测服务|tech-services|检测*送外地 认证*难 第三方*检测|检测能力不足|检验检测 计量认证 CNAS 第三方检测 产品认证|检测服务
service-finance|科技金融|tech-services|缺钱 融资*难 贷款*难 没有抵押|融资难|知识产权质押 科技贷款 风险投资 股权融资 科技保险|融资
service-incubation|孵化与创业服务|tech-services|创业*没场地 初创*没经验|创业失败率高|孵化器 众创空间 加速器 创业辅导|孵化
service-training|技术培训|tech-services|工人*技术差 没人*会操作 技能*跟不上|技能不足|技术培训 职业技能培训 远程培训|培训
"""
