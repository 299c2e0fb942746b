"""Matching cases of the wider economy: displays, composites, detectors, infusion pumps, machine
data, gas pipelines, landfills, food and drink, fertiliser, pesticides, orchards and forests,
insulators, EMC, car interiors, cast iron, extrusion.

Each block is an achievement (`A <id> <field> <maturity> <ip type>`, then title, summary and
keywords) or a demand (`D <id> <field>`, then title, problem, target indicators and the judged
achievements), blocks separated by an empty line; nesta/demo/market/texts.py parses them.
"""

TEXT = """
A mura-compensation optical-displays industrial software
液晶与OLED面板亮度不均（Mura）光学检测与灰阶补偿
以高分辨率面阵相机采集各灰阶下的亮度分布，识别团状、带状Mura并计算逐像素补偿表，写入时序控制芯片，面板亮度均匀性由80%提高到95%以上。
Mura,亮度均匀性,灰阶补偿,光学检测,显示面板

A display-backlight optical-displays industrial utility_model
超薄直下式Mini LED背光模组
以Mini LED阵列与扩散膜组合制作超薄背光模组，支持局部调光，提高对比度。
Mini LED,背光模组,局部调光

A composite-delam aerospace pilot invention_patent
碳纤维复合材料层合板分层损伤超声相控阵检测与修理
以超声相控阵C扫描识别复合材料层合板内部分层、冲击损伤，评定损伤面积与深度，配套挖补胶接修理工艺，修理后压缩强度恢复到原结构的90%以上。
分层,复合材料,超声相控阵,冲击损伤,挖补修理

A prepreg aerospace industrial invention_patent
高韧性环氧树脂碳纤维预浸料
以热塑性增韧环氧树脂制备碳纤维预浸料，冲击后压缩强度提高30%，适用于航空次承力结构。
预浸料,环氧树脂,碳纤维,增韧

A gas-detector-cross scientific-instruments industrial invention_patent
催化燃烧与电化学气体传感器交叉干扰补偿与抗中毒技术
分析硅烷、硫化物对催化燃烧元件的中毒机理和电化学传感器对非目标气体的交叉敏感，采用抗中毒涂层、多传感器融合与温湿度补偿算法，可燃气体探测器误报率降低90%，寿命延长到5年。
气体传感器,交叉干扰,传感器中毒,误报,温湿度补偿

A infusion-occlusion digital-medical-devices pilot invention_patent
输液泵管路阻塞与气泡的压力—超声融合检测
以上下游压力传感器的变化斜率和超声气泡传感器融合判别管路阻塞、空管和气泡，阻塞报警时间缩短到30秒以内并减少误报，满足输液泵安全标准。
输液泵,阻塞报警,气泡检测,压力传感器,医疗器械安全

A infusion-set digital-medical-devices industrial utility_model
精密过滤避光输液器
输液器内置5微米精密过滤膜与避光管路，减少输液微粒和光敏药物降解。
输液器,精密过滤,避光

A legacy-dnc networked-manufacturing industrial software
老旧数控设备多协议数据采集与边缘网关
支持FANUC、西门子、三菱及国产数控系统和PLC的多种通信协议，对无网口的老设备加装IO与电流采集模块，实时获取开机、加工、报警状态，设备综合效率统计准确到分钟。
数据采集,边缘网关,设备联网,OEE,协议解析

A hydrate-plug natural-gas industrial invention_patent
天然气集输管道水合物生成预测与防治
基于相平衡模型预测集输管线的水合物生成温度，采用动力学抑制剂替代大量甲醇注入，并配合管道加热与排液，冬季水合物冰堵事故减少90%。
天然气水合物,冰堵,动力学抑制剂,集输管道,相平衡

A pipe-co2-corrosion petroleum industrial invention_patent
油气管道CO2腐蚀预测与缓蚀剂防护
建立含CO2、Cl-工况下碳钢管道的腐蚀速率预测模型，筛选咪唑啉类缓蚀剂并配合腐蚀监测挂片与探针，管道腐蚀速率低于0.076 mm/a。
CO2腐蚀,缓蚀剂,腐蚀速率,油气管道

A leachate-treatment environmental-protection industrial invention_patent
垃圾渗滤液厌氧—MBR—纳滤反渗透组合处理
以厌氧反应器去除高浓度有机物，MBR脱氮，纳滤与反渗透深度处理，出水达到生活垃圾填埋场污染控制标准，浓缩液回灌减量。
垃圾渗滤液,MBR,纳滤,反渗透,脱氮

A landfill-gas environmental-protection industrial invention_patent
垃圾填埋气收集与发电利用
建设填埋气收集井与输送管网，填埋气净化后用于内燃机发电，减少甲烷排放。
填埋气,沼气发电,甲烷减排

A noodle-break agri-deep-processing industrial invention_patent
挂面干燥工艺优化与断条控制
研究挂面干燥过程中水分迁移与收缩应力的关系，采用“保湿—慢干—冷却”分段干燥工艺和温湿度自动控制，挂面断条率由8%降到1%以下。
挂面干燥,断条率,水分迁移,分段干燥

A flour-improver agri-deep-processing industrial invention_patent
复合酶制剂面粉品质改良剂
以葡萄糖氧化酶、木聚糖酶复配替代溴酸钾改良面团筋力，提高面包体积。
面粉改良剂,酶制剂,面团筋力

A powder-caking agri-deep-processing industrial invention_patent
乳粉吸潮结块机理与流动性改善技术
分析乳糖玻璃态转变与吸湿的关系，采用乳糖预结晶、附聚造粒与充氮包装，乳粉在开封后两周内不结块，冲调性提高。
乳粉结块,玻璃化转变,乳糖结晶,附聚造粒,吸湿

A juice-sediment agri-deep-processing industrial invention_patent
浑浊果汁稳定性与沉淀控制技术
针对沙棘、蓝莓等果汁的果胶、蛋白与多酚络合沉淀，采用酶解、高压均质与稳定剂复配，常温货架期内无分层、无沉淀。
果汁稳定性,沉淀,高压均质,果胶酶,分层

A juice-concentrate agri-deep-processing industrial invention_patent
果汁低温膜浓缩技术
以反渗透与正渗透联合低温浓缩果汁，保留香气与营养成分。
膜浓缩,果汁,正渗透

A beer-haze biochemical-engineering industrial trade_secret
啤酒非生物稳定性与冷浑浊控制
研究麦汁蛋白与多酚形成冷浑浊的规律，以硅胶与PVPP联合吸附和脯氨酸特异蛋白酶处理，啤酒保质期内浊度稳定在1.0 EBC以下。
冷浑浊,非生物稳定性,PVPP,蛋白酶,啤酒

A fertilizer-caking agrochemicals industrial invention_patent
复合肥防结块剂与造粒干燥工艺
研究复合肥颗粒间盐桥结晶导致结块的机理，优化造粒水分与冷却温度，喷涂疏水性防结块剂，储存6个月结块率低于2%。
化肥结块,防结块剂,造粒,复合肥,疏水包膜

A slow-release agrochemicals industrial invention_patent
树脂包膜控释尿素
以生物基树脂包膜尿素控制养分释放，一次施肥满足玉米全生育期需要。
控释肥,包膜尿素,养分释放

A pesticide-drift agrochemicals pilot invention_patent
植保无人机喷雾雾滴飘移控制与专用助剂
通过风洞试验测定不同喷头和作业参数下的雾滴谱与飘移距离，研制抗飘移沉积助剂，飘移减少60%，药液在叶面的沉积量提高40%。
雾滴飘移,喷雾助剂,植保无人机,沉积率

A drone-spray machinery industrial utility_model
多旋翼植保无人机仿地飞行系统
以毫米波雷达测高实现仿地飞行，提高山地丘陵地块植保作业的均匀性。
植保无人机,仿地飞行,毫米波雷达

A corn-cold-emergence crops industrial invention_patent
寒地玉米低温出苗种衣剂与播种技术
研制含低温萌发促进剂与杀菌剂的玉米种衣剂，配合适期播种和垄上苗带清理，低温年份出苗率由75%提高到92%，苗齐苗壮。
低温出苗,种衣剂,苗齐,播种期,寒地玉米

A poplar-canker forestry industrial invention_patent
杨树溃疡病与腐烂病综合防治
查明杨树溃疡病菌的侵染规律，采用抗病无性系、树干涂白和生防菌剂，病株率控制在5%以下。
杨树溃疡病,腐烂病,抗病无性系,生防菌剂

A poplar-wood forestry-industry industrial invention_patent
速生杨木单板层积材制造
以速生杨木旋切单板制造层积材，替代实木用于家具和建筑构件。
杨木,单板层积材,人造板

A crab-molt aquaculture industrial invention_patent
河蟹蜕壳不遂防治与稻田养蟹
分析水体钙离子与饲料中蜕皮激素前体对河蟹蜕壳的影响，采用投喂含钙饲料、底质改良和水草种植，蜕壳成功率提高到95%，稻田养蟹亩产增加。
河蟹,蜕壳不遂,稻蟹共生,底质改良

A insulator-flashover power-equipment industrial invention_patent
输变电设备外绝缘污闪防治与RTV涂料
以长效RTV硅橡胶防污闪涂料提高绝缘子表面憎水性，结合现场污秽度测量与绝缘配置校核，雾霾与雨雪天气下的污闪跳闸减少95%。
污闪,RTV涂料,憎水性,绝缘子,外绝缘

A emc-fix electronic-equipment industrial invention_patent
电子产品电磁兼容问题诊断与整改
以近场扫描定位辐射发射源，分析开关电源、时钟与线缆的传导和辐射干扰路径，采用滤波、屏蔽与PCB布局整改，使产品一次通过GB/T 17626与CISPR测试。
电磁兼容,EMC,辐射发射,传导干扰,屏蔽滤波

A bsr-noise automotive industrial invention_patent
汽车内饰吱嘎异响（BSR）识别与消除
以道路激励台架复现仪表板、门板的摩擦与敲击异响，结合材料摩擦副兼容性数据库和间隙公差设计，整车内饰异响投诉降低80%。
BSR,吱嘎异响,摩擦副,内饰,NVH

A white-iron machinery industrial invention_patent
灰铸铁件白口与硬点防止技术
分析碳当量、冷却速度与孕育衰退对铸铁件薄壁处白口和硬点的影响，采用随流孕育与硅钡孕育剂，铸件加工面硬点消除，刀具消耗降低。
白口,硬点,孕育处理,灰铸铁,碳当量

A extrusion-streak special-materials industrial invention_patent
铝合金型材挤压表面纹路与粗晶控制
研究挤压温度、速度与模具工作带对6063铝合金型材表面焊合线、条纹和粗晶环的影响，优化均匀化与模具设计，型材表面缺陷废品率降低70%。
挤压,表面条纹,粗晶环,铝合金型材,模具工作带

A al-anodize fine-chemicals industrial invention_patent
铝型材阳极氧化着色与封孔工艺
优化硫酸阳极氧化与电解着色、中温封孔工艺，提高铝型材氧化膜色差一致性和耐蚀性。
阳极氧化,电解着色,封孔,铝型材

D panel-uneven optical-displays
显示屏点亮后有一块块发暗的斑，客户说不均匀
我们做车载和工控显示屏，灰色画面下能看到一团团、一道道暗斑，客户来料检验判不良，不良率快到5%了。
亮度均匀性达到客户标准，不良率1%以下
mura-compensation:2 display-backlight:0p vision-defect:1 led-decay:0w

D carbon-layer aerospace
碳纤维件用一段时间里面起层，看不出来
我们生产无人机和轨道车辆用的碳纤维结构件，有的件受过磕碰以后内部起层，外表看不出来，用户担心安全。
能查出内部起层并给出修理方法
composite-delam:2 prepreg:0m cast-xray:1 wind-blade-recycle:0m

D gas-alarm-false scientific-instruments
可燃气体报警器老乱报，有的又不报
我们在化工园区装了几百个可燃气体报警器，有的没泄漏也报警，有的用一两年就不灵了，标定也很频繁。
误报率降低90%，使用寿命5年
gas-detector-cross:2 gas-leak-acoustic:0f sensor-drift:1 sensor-wireless:0f

D pump-alarm-late digital-medical-devices
输液泵管子堵了半天才报警
医院反映我们的输液泵管路打折或堵住以后，过好几分钟才报警，有时候没堵也报，护士很头疼。
阻塞30秒内报警，误报减少
infusion-occlusion:2 infusion-set:0p ecg-artifact:0f sensor-drift:0f

D old-machines-data networked-manufacturing
车间老设备连不上网，不知道一天到底干了多少活
我们有几十台不同年代、不同牌子的数控机床和注塑机，有的连网口都没有，领导想看每台设备的开机率和产量，现在全靠人报。
每台设备状态实时可见，开机率统计准确
legacy-dnc:2 cms-cloud:1 aps:0f trace:0f

D gas-line-freeze natural-gas
冬天天然气管线冻堵，只能往里灌甲醇
我们气田的集输管线一到冬天就冻堵，压力憋起来只能停井、往管子里灌甲醇，甲醇用量大，还危险。
冬季冻堵次数减少90%
hydrate-plug:2 coal-bed-gas:0f pipe-co2-corrosion:0f line-icing:0w

D pipe-thin petroleum
输油管子用几年壁就变薄穿孔
我们油田集输管线用了五六年就开始穿孔漏油，测厚发现管壁减薄很快，换管成本太高。
管道腐蚀速率低于0.076毫米每年
pipe-co2-corrosion:2 scale-inhibitor:1 pipe-weld-robot:0p produced-water:0f

D landfill-water environmental-protection
垃圾场渗出来的黑水处理不达标
我们县垃圾填埋场每天出几百吨黑臭的渗滤水，现在的处理设备出水氨氮和COD都超标，环保督察要求限期整改。
出水达到填埋场污染控制标准
leachate-treatment:2 landfill-gas:0p mbr-municipal:1 ozone-catalytic:1

D noodle-broken agri-deep-processing
挂面做出来一包里好多断的
我们是做挂面的，烘干以后面条断得多、一碰就碎，包装时挑出来的碎面有一成，冬天夏天还不一样。
断条率低于1%
noodle-break:2 flour-improver:1 corn-drying:0f

D milk-powder-lumps agri-deep-processing
奶粉打开没几天就结块，冲不开
我们的婴幼儿配方奶粉开罐用一两周就结成块，冲的时候有疙瘩，家长投诉很多。
开罐两周内不结块
powder-caking:2 dairy-yogurt:0p fertilizer-caking:0w

D juice-bottom agri-deep-processing
沙棘汁放一阵瓶底一层沉淀
我们生产沙棘果汁饮料，出厂时是均匀的，在货架上放一两个月瓶底就一层沉淀，上面发清，顾客以为坏了。
货架期内不分层不沉淀
juice-sediment:2 juice-concentrate:0p anthocyanin:0f beer-haze:1

D beer-cloudy biochemical-engineering
啤酒放冰箱里一冰就发浑
我们精酿啤酒卖到超市，放冷柜以后酒体发浑、不透亮，消费者以为变质，退货不少。
冷藏条件下保持清亮
beer-haze:2 ferment-sterile:0f juice-sediment:1

D fertilizer-lumps agrochemicals
复合肥放一个冬天就结成大块
我们厂的复合肥在仓库和经销商那里放到春天，一袋袋结成硬块，农民还得砸碎才能用，经销商要求退货。
存放半年结块率低于2%
fertilizer-caking:2 slow-release:0p powder-caking:0w

D drone-drift agrochemicals
打药的无人机药水飘到邻居地里
我们植保队用无人机打除草剂，风一大药水就飘到旁边的菜地和苗圃，赔了好几回，而且靶标地里的效果也不好。
飘移减少一半以上，防效不降
pesticide-drift:2 drone-spray:1 pesticide-rapid:0f

D corn-seedling-poor crops
春天种的玉米出苗不齐，缺苗断垄
我们这里春天地温低，玉米种下去半个月还出不来，出来的也不齐，缺苗断垄，只能补种。
出苗率90%以上
corn-cold-emergence:2 corn-variety:1 straw-return:0f corn-harvester:0p

D poplar-bark forestry
杨树树干上起泡烂皮，一片片死
我们林场的杨树防护林，树干上长出一个个水泡样的斑，树皮烂了发黑，好几片林子成片枯死。
病株率控制在5%以下
poplar-canker:2 poplar-wood:0p larch-pest:0f

D crab-molt-die aquaculture
河蟹脱壳脱不下来死了
我们稻田养的河蟹，到了脱壳的时候好多脱不下来，卡在半截死掉，产量一年比一年低。
蜕壳成功率95%
crab-molt:2 sea-cucumber:0f pond-winter:0f

D insulator-fog power-equipment
一到雾天变电站就跳闸
我们地区冬天雾霾重，变电站和线路的瓷瓶经常放电跳闸，只能停电冲洗，工作量很大。
雾天跳闸减少90%以上
insulator-flashover:2 cable-pd-monitor:1 line-icing:0f transformer-oil-regen:0f

D emc-fail electronic-equipment
产品电磁兼容测试老过不了
我们的工业控制器送检电磁兼容测试，辐射发射总超标几个分贝，改了几次板子还是不行，产品上市被耽误了。
一次通过电磁兼容测试
emc-fix:2 solder-reliability:0f sensor-wireless:0f

D dash-rattle automotive
新车仪表台在颠簸路上吱吱响
我们配套的仪表板总成装车以后，在颠簸路面上吱吱嘎嘎响，主机厂路试评审扣分，要求整改。
路试无可感知异响
bsr-noise:2 gear-modification:0p bearing-diag:0w injection-warp:1

D iron-hard-spots machinery
铸铁件加工时有硬点，崩刀
我们的灰铸铁泵体和阀体薄壁的地方加工时有发亮的硬点，刀具一碰就崩，加工成本上去了。
加工面无硬点，刀具寿命正常
white-iron:2 ductile-iron:0m cast-sandburn:0p ti-cutting:0f

D profile-lines special-materials
铝型材表面有一道道纹，氧化后更明显
我们生产门窗和工业铝型材，挤出来表面有一道道的纹路，阳极氧化以后看得更清楚，客户要求返工。
型材表面纹路废品率降低70%
extrusion-streak:2 al-anodize:0p al-fsw:0m
"""
