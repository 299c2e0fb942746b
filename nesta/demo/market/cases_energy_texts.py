"""Matching cases of power equipment, electronics, energy, chemicals, environment and industrial
software.

Each block is an achievement (`A <id> <field> <maturity> <ip type>`, then title, summary and
keywords) or a demand (`D <id> <field>`, then title, problem, target indicators and the judged
achievements), blocks separated by an empty line; nesta/demo/market/texts.py parses them.
"""

TEXT = """
A transformer-hotspot power-equipment industrial software
油浸式变压器绕组热点温度预测与冷却系统优化
基于热路模型与光纤测温数据反演绕组热点温度，结合负荷预测智能控制冷却器投切，在高温大负荷期间降低顶层油温8—10 K，延缓绝缘老化。
热点温度,绕组温升,冷却系统,绝缘老化,变压器

A transformer-oil-regen power-equipment industrial utility_model
变压器绝缘油在线再生与脱水处理
采用吸附再生与真空脱水联合工艺，在线降低变压器油酸值和含水量，恢复绝缘油的介质损耗和击穿电压指标。
绝缘油,再生,真空脱水,酸值

A inverter-cooling solar-energy pilot utility_model
光伏逆变器功率模块热管散热技术
以热管与翅片一体化散热器替代风冷铝型材，逆变器IGBT结温降低15 ℃，提高逆变器在高温环境下的满功率运行时间。
逆变器,热管散热,IGBT,结温

A cable-joint power-equipment industrial invention_patent
中压电缆附件界面压力控制与安装工艺
研究冷缩式电缆中间接头和终端的硅橡胶—XLPE界面压力随时间的衰减规律，提出界面处理、应力锥定位的安装工艺规范，避免界面沿面放电击穿。
电缆附件,中间接头,界面压力,沿面放电,击穿

A cable-pd-monitor power-equipment industrial software
电力电缆局部放电在线监测系统
采用高频电流互感器与特高频传感器采集电缆局部放电信号，实现放电类型识别与定位，对绝缘缺陷提前预警。
局部放电,在线监测,电力电缆,绝缘缺陷

A cable-compound chemical-materials industrial invention_patent
硅烷交联聚乙烯电缆绝缘料
开发两步法硅烷交联聚乙烯绝缘料，提高挤出稳定性和热延伸性能，适用于中低压电力电缆生产。
交联聚乙烯,电缆料,硅烷交联,绝缘材料

A solder-reliability electronic-equipment industrial invention_patent
无铅焊点热循环可靠性与回流焊工艺优化
研究SAC305焊点界面金属间化合物生长与热循环疲劳开裂机理，优化回流曲线、钢网开孔与焊盘设计，减少虚焊和焊点疲劳裂纹，产品温循寿命提高一倍。
无铅焊点,热循环,金属间化合物,回流焊,可靠性

A pcb-wastewater environmental-protection industrial invention_patent
印制电路板含铜废水分质处理与铜回收
对PCB生产中的络合铜废水和蚀刻液分质收集，采用破络—电解工艺回收金属铜，出水铜离子低于0.5 mg/L。
含铜废水,蚀刻液,铜回收,印制电路板

A pmsm-retrofit power-equipment industrial invention_patent
风机水泵类负载永磁同步电机变频节能改造
以高效永磁同步电机与变频调速替代异步电机加阀门节流，按工况曲线优化运行点，风机水泵系统节电率20%—40%。
永磁同步电机,变频调速,节能改造,风机水泵

A led-decay optoelectronic-devices industrial invention_patent
大功率LED光衰机理与封装散热优化
研究结温、荧光粉热淬灭和封装胶黄化对大功率LED光通量衰减的影响，采用陶瓷基板与高导热固晶工艺，6000 h光通维持率超过95%。
光衰,结温,荧光粉,封装散热,光通维持率

A led-driver optoelectronic-devices industrial software
LED路灯智能调光控制系统
基于电力线载波的路灯单灯控制器，按时段与车流量调光，支持远程开关与故障报警，节电30%。
智能调光,路灯控制,电力线载波

A wind-icing wind-energy pilot invention_patent
风电机组叶片覆冰监测与电热除冰技术
根据功率曲线偏离与叶片振动频率变化识别覆冰，在叶片前缘内嵌碳纤维电热膜分区加热除冰，寒区风电场冬季发电量损失减少70%。
叶片覆冰,除冰,电热膜,寒区风电

A line-icing power-equipment industrial invention_patent
输电线路覆冰在线监测与直流融冰
通过拉力、倾角传感器监测导线覆冰厚度，达到阈值时启用直流融冰装置，防止倒塔断线。
覆冰监测,直流融冰,输电线路

A pv-coating solar-energy pilot invention_patent
光伏组件自清洁减反射纳米涂层
在光伏玻璃表面制备超亲水二氧化硅—二氧化钛纳米涂层，雨水即可带走积灰，兼具减反射作用，组件年发电量提高3%—5%。
自清洁,减反射,纳米涂层,光伏玻璃,积灰

A pv-robot solar-energy industrial utility_model
光伏电站无水清扫机器人
轨道式无水清扫机器人按计划沿组件阵列行走，用毛刷与气流清除表面灰尘，适用于缺水和风沙大的地区。
清扫机器人,光伏电站,无水清洗

A pv-crack solar-energy industrial software
光伏组件隐裂电致发光检测
以电致发光成像识别电池片隐裂、断栅和黑心，配合图像算法自动分级，用于组件出厂和电站巡检。
隐裂,电致发光,EL检测,电池片

A boiler-slagging clean-combustion industrial software
燃煤锅炉受热面结渣预测与配煤燃烧优化
基于煤灰熔融特性与炉膛温度场建立结渣倾向判别模型，通过配煤掺烧与燃烧器配风调整，抑制水冷壁和屏式过热器结渣，减少停炉清焦。
结渣,灰熔融,配煤掺烧,燃烧优化,水冷壁

A boiler-water clean-combustion industrial invention_patent
工业锅炉给水处理与水质在线监控
以反渗透与离子交换组合工艺处理锅炉给水，在线监测硬度和电导率，防止受热面水垢与腐蚀。
锅炉给水,水处理,反渗透,水质监控

A coking coal-chemicals industrial invention_patent
捣固炼焦配煤技术
通过捣固提高装炉煤堆密度，多配弱黏结煤生产冶金焦，焦炭强度满足高炉要求，降低炼焦煤成本。
捣固炼焦,配煤,冶金焦

A low-nox clean-combustion industrial invention_patent
煤粉锅炉低氮燃烧与SNCR—SCR耦合脱硝
采用空气分级低氮燃烧器降低炉内氮氧化物生成，再以SNCR与SCR耦合进一步脱除，NOx排放稳定低于50 mg/m³，氨逃逸低于3 ppm。
低氮燃烧,脱硝,SCR,SNCR,氮氧化物

A fgd-gypsum environmental-protection industrial invention_patent
燃煤电厂脱硫石膏制备建筑石膏粉
将湿法脱硫副产的二水石膏经煅烧改性制备建筑石膏粉与石膏板，脱硫石膏综合利用率达到100%。
脱硫石膏,综合利用,建筑石膏

A li-gassing energy-materials pilot invention_patent
锂离子电池产气机理与电解液功能添加剂
揭示高温循环中电解液氧化分解和SEI膜破裂引起的产气与容量衰减机理，开发成膜添加剂与高电压电解液配方，电芯60 ℃循环后体积膨胀小于5%。
产气,胀气,电解液添加剂,SEI膜,容量衰减

A li-recycle energy-materials industrial invention_patent
退役动力锂电池梯次利用与材料回收
对退役动力电池进行快速分选和重组用于储能，无法梯次利用的电池经湿法冶金回收镍、钴、锂。
梯次利用,电池回收,湿法冶金

A lead-acid energy-materials industrial invention_patent
铅酸蓄电池板栅合金与防硫化技术
开发铅钙锡铝板栅合金与脉冲修复技术，减缓负极硫酸盐化，延长铅酸蓄电池循环寿命。
铅酸蓄电池,板栅合金,硫酸盐化

A heat-pump-evi new-energy-environment industrial invention_patent
严寒地区低温空气源热泵喷气增焓技术
采用喷气增焓涡旋压缩机与准二级压缩循环，在-30 ℃环境下仍能稳定制热，-25 ℃时制热能效比大于2.0，并配智能除霜控制。
喷气增焓,低温热泵,准二级压缩,除霜,严寒地区

A ground-source geothermal industrial invention_patent
土壤源热泵地埋管换热设计与冷热平衡
建立地埋管群长期换热模型，优化钻孔间距与埋深，解决严寒地区土壤热失衡，保证系统连续多年稳定供暖。
地源热泵,地埋管,热平衡

A hydro-coke catalysis industrial invention_patent
加氢催化剂积炭失活机理与器外再生技术
研究柴油加氢精制催化剂积炭、金属沉积和活性相聚集的失活机理，开发器外烧炭再生与活性恢复工艺，再生剂活性恢复到新剂的95%，可循环使用2—3个周期。
催化剂失活,积炭,再生,加氢精制

A alumina-carrier catalysis industrial invention_patent
大孔容氧化铝催化剂载体制备
通过拟薄水铝石改性与扩孔剂调控，制备孔容大于1.0 mL/g的氧化铝载体，用于渣油加氢催化剂。
氧化铝载体,孔容,拟薄水铝石

A three-way catalysis industrial invention_patent
汽车尾气三效催化剂涂层技术
开发高储氧铈锆材料与低贵金属涂层配方，满足国六排放标准的三效催化剂，贵金属用量降低20%。
三效催化剂,尾气净化,铈锆储氧材料

A ozone-catalytic environmental-protection industrial invention_patent
难降解化工废水臭氧催化氧化深度处理
以负载型锰铈复合氧化物催化剂强化臭氧分解产生羟基自由基，对生化出水中残留的难降解有机物开环断链，COD去除率50%—70%，出水稳定低于50 mg/L。
臭氧催化氧化,难降解有机物,深度处理,羟基自由基,高级氧化

A sludge-incinerate environmental-protection industrial invention_patent
化工污泥干化焚烧与热能回收
采用薄层干化与流化床焚烧处理含油、含有机物化工污泥，焚烧烟气余热用于干化，残渣稳定化后填埋。
污泥焚烧,干化,流化床,化工污泥

A mbr-municipal environmental-protection industrial invention_patent
城镇污水膜生物反应器处理工艺
以膜生物反应器替代二沉池，提高污泥浓度和出水水质，出水达到一级A标准，占地减少40%。
膜生物反应器,MBR,城镇污水,一级A

A biofilter-odor environmental-protection industrial invention_patent
恶臭气体生物滤池与化学洗涤组合除臭
针对硫化氢、氨和硫醇类恶臭物质，先以化学洗涤去除高浓度组分，再经填充复合菌剂的生物滤池降解，厂界臭气浓度低于20（无量纲）。
恶臭,生物滤池,除臭,硫化氢,厂界臭气浓度

A flavor fine-chemicals industrial invention_patent
天然香料微胶囊包埋缓释技术
以改性淀粉和阿拉伯胶为壁材喷雾干燥包埋香精，减少香气挥发损失，在食品和日化中持久留香。
微胶囊,香精,缓释,喷雾干燥

A scale-inhibitor fine-chemicals industrial invention_patent
循环冷却水无磷阻垢缓蚀剂
以聚环氧琥珀酸和天冬氨酸共聚物复配无磷阻垢缓蚀剂，抑制碳酸钙与硫酸钙垢在换热面沉积，浓缩倍数提高到5倍以上。
阻垢缓蚀剂,循环冷却水,无磷,碳酸钙垢

A pipe-weld-robot machinery industrial invention_patent
长输管道全位置自动焊接技术
研制管道全位置自动焊机与焊接工艺，实现大口径长输管道环焊缝的高效焊接，一次合格率98%以上。
管道焊接,全位置焊,自动焊机,环焊缝

A hals chemical-materials industrial invention_patent
聚烯烃光氧老化机理与受阻胺光稳定剂
研究聚丙烯、聚乙烯制品在紫外光照下的光氧化降解与羰基生成规律，以高分子量受阻胺与紫外吸收剂协同稳定，户外制品耐候寿命延长3倍，黄变指数明显降低。
光氧老化,受阻胺光稳定剂,耐候性,黄变,聚烯烃

A masterbatch chemical-materials industrial invention_patent
高分散色母粒制备技术
采用超分散剂与双螺杆挤出工艺制备高浓度色母粒，颜料分散均匀，制品无色点、色差小。
色母粒,颜料分散,着色

A gasification-slag coal-chemicals pilot invention_patent
煤气化渣残炭浮选分离与建材化利用
对气流床煤气化细渣进行浮选脱碳，回收残炭返回锅炉燃烧，脱碳后的灰渣用于制备水泥掺合料和免烧砖，实现气化渣规模化消纳。
气化渣,残炭,浮选,固废资源化,免烧砖

A gangue-power coal industrial invention_patent
煤矸石循环流化床发电技术
以煤矸石和煤泥为燃料在循环流化床锅炉中燃烧发电，灰渣用于井下充填。
煤矸石,循环流化床,综合利用

A pervaporation synthesis-separation industrial invention_patent
渗透汽化膜分离有机溶剂回收与脱水
以聚乙烯醇复合膜和分子筛膜进行乙醇、异丙醇、乙酸乙酯等溶剂的渗透汽化脱水，与精馏耦合回收，溶剂回收率95%以上，能耗比共沸精馏降低50%。
渗透汽化,膜分离,溶剂回收,共沸物分离

A solvent-paint fine-chemicals industrial invention_patent
高固体分溶剂型丙烯酸涂料
提高树脂固含量并降低黏度，减少溶剂用量，涂膜丰满度好，适用于汽车修补与工业涂装。
高固体分涂料,溶剂型,丙烯酸

A corncob-xylitol grain-chemicals industrial invention_patent
玉米芯水解制备木糖和木糖醇联产糠醛
以玉米芯为原料经稀酸水解、脱色离子交换和催化加氢生产木糖醇，残渣用于生产糠醛和生物质燃料，原料全组分利用。
玉米芯,木糖醇,糠醛,半纤维素水解

A coal-bed-gas natural-gas pilot invention_patent
低浓度煤层气深冷液化技术
对甲烷浓度30%以上的煤层气进行脱氧和深冷液化生产LNG，提高煤层气利用率。
煤层气,深冷液化,LNG

A gas-drainage coal industrial invention_patent
高瓦斯煤层水力割缝增透与瓦斯抽采
以高压水射流在钻孔内切割缝槽，卸压增透低透气性煤层，抽采纯量提高3倍，预抽后工作面瓦斯浓度稳定在安全范围，消除突出危险。
瓦斯抽采,水力割缝,增透,煤与瓦斯突出

A wax-microbe petroleum industrial invention_patent
油井微生物清防蜡技术
向油井投加嗜蜡菌剂，降解石蜡并产生生物表面活性剂，抑制蜡晶在油管和抽油杆上沉积，热洗周期由7天延长到60天以上。
清防蜡,嗜蜡菌,结蜡,采油

A paraffin-refine petroleum industrial invention_patent
石蜡加氢精制生产食品级蜡
以加氢精制脱除石蜡中的稠环芳烃和硫、氮杂质，生产符合食品级标准的全精炼石蜡。
石蜡,加氢精制,食品级蜡

A produced-water petroleum industrial invention_patent
油田采出水气浮—过滤精细处理与回注
采用溶气气浮、核桃壳过滤与精细过滤组合工艺，采出水含油量和悬浮物均低于5 mg/L，满足低渗透油藏回注标准，减少注水井堵塞。
采出水,回注,含油污水,气浮,精细过滤

A sludge-dewater environmental-protection industrial invention_patent
市政污泥调理与板框深度脱水
以铁盐—石灰复合调理破坏污泥胶体结构，配合隔膜板框压滤，脱水后污泥含水率低于60%，便于焚烧或填埋。
污泥脱水,深度脱水,污泥调理,含水率

A gas-leak-acoustic natural-gas industrial software
城市燃气管网泄漏声波定位与巡检
利用泄漏产生的声波信号与相关分析算法，对埋地燃气管道泄漏点进行定位，配合激光甲烷遥测巡检，定位误差小于1 m。
泄漏检测,声波定位,燃气管网,激光甲烷遥测

A aps networked-manufacturing industrial software
离散制造高级计划与排程APS系统
考虑设备能力、物料齐套与工艺约束，以遗传算法求解多目标车间作业调度，自动生成并滚动调整生产计划，准时交货率提高20%以上。
高级计划排程,APS,车间调度,遗传算法,交货期

A erp-finance software industrial software
中小企业云ERP财务管理软件
提供总账、应收应付、成本核算与报表的云端财务管理，适合中小企业快速上线。
ERP,财务管理,云服务

A trace networked-manufacturing industrial software
基于工业互联网标识解析的产品质量追溯系统
为原料批次、工序、设备与作业人员赋予唯一标识，采集制造过程数据形成产品履历，质量问题发生时正向追踪、反向溯源到批次和工位。
质量追溯,标识解析,工业互联网,产品履历

A vision-defect networked-manufacturing industrial software
机器视觉产品表面缺陷在线检测
以高分辨率线阵相机与深度学习分割模型识别产品表面划伤、气泡、黑点和污渍，检测速度每分钟300件以上，漏检率低于0.1%。
机器视觉,表面缺陷检测,深度学习,在线检测

A glass-furnace special-materials industrial invention_patent
玻璃熔窑全氧燃烧节能技术
以纯氧替代空气助燃，降低玻璃熔窑烟气量与能耗，减少氮氧化物排放。
全氧燃烧,玻璃熔窑,节能

D transformer-hot power-equipment
变压器夏天油温高老报警
我们厂的两台主变夏天负荷一大，油温就超过85度报警，只能限负荷生产，风扇全开也降不下来。
高峰期顶层油温降低8度以上，不限负荷
transformer-hotspot:2 transformer-oil-regen:0p inverter-cooling:0w cable-pd-monitor:0f pmsm-retrofit:0f

D cable-burn power-equipment
10千伏电缆接头老烧
厂区10千伏电缆的中间接头这两年烧了好几次，每次都得停电抢修，电缆本身是好的，问题总出在接头上。
接头故障率降到零
cable-joint:2 cable-pd-monitor:1 cable-compound:0m transformer-oil-regen:0f line-icing:0f

D solder-return electronic-equipment
电路板焊点开裂，客户批量退货
我们的车载控制板装车跑了一个冬天，有一批返回来，查出来是元器件焊点开裂、虚焊，厂内测试却都是好的。
通过1000次温度循环无焊点失效
solder-reliability:2 pcb-wastewater:0p vision-defect:1 pv-crack:0w led-decay:0f

D fan-power power-equipment
车间风机水泵电费太高
我们厂的循环水泵和引风机一年电费四百多万，阀门常年只开一半，想省点电，又怕影响生产。
节电20%以上，两年内收回投资
pmsm-retrofit:2 ndfeb-gbd:0w excavator-energy:0f cms-cloud:0f heat-pump-evi:0f

D led-dim optoelectronic-devices
LED路灯用一年就变暗
我们给县里装的LED路灯，用了一年多亮度明显下降，有的灯珠发黄，政府验收说照度不够。
三年光通维持率90%以上
led-decay:2 led-driver:0p inverter-cooling:0w pv-coating:0f solder-reliability:0f

D blade-ice wind-energy
风机冬天叶子挂冰，发电量掉
我们在黑龙江的风电场冬天叶片上挂冰，出力掉得厉害，还怕甩下来的冰块砸人，只能停机等化冰。
冬季覆冰停机时间减少70%
wind-icing:2 line-icing:1 wind-blade-recycle:0p blade-tmf:0w pv-robot:0f

D pv-dirty solar-energy
光伏板上灰大，发电量上不去
我们的光伏电站在风沙大的地方，板子上总是一层灰，人工冲洗用水多、成本高，发电量比设计值低一成多。
发电量提高5%，清洗成本降低
pv-coating:2 pv-robot:2 pv-crack:0p inverter-cooling:0f wind-icing:0f

D boiler-coke clean-combustion
锅炉烧一阵就结焦，得停炉打焦
我们热电厂的锅炉换了几种煤以后炉膛里结焦严重，隔一两个月就得停炉打焦，影响供热。
连续运行半年不停炉清焦
boiler-slagging:2 boiler-water:0p coking:0w low-nox:0f gasification-slag:0w

D boiler-nox clean-combustion
锅炉氮氧化物排放达不到新标准
当地环保要求燃煤锅炉氮氧化物排放不超过50毫克，我们现在一百五上下，氨水喷多了又有氨逃逸。
NOx低于50毫克每立方米
low-nox:2 fgd-gypsum:0f boiler-slagging:1 paint-voc:0f three-way:0w

D battery-bulge energy-materials
叉车锂电池用一年就鼓包，续航掉一半
我们生产电动叉车用的锂电池包，夏天用了一年左右电芯就鼓起来，续航只剩一半，客户要求质保三年。
三年容量保持80%以上，不鼓包
li-gassing:2 li-recycle:0p lead-acid:0f inverter-cooling:0f

D heat-pump-cold new-energy-environment
东北冬天空气能热泵不制热
我们在农村推煤改电，装的空气能热泵到了零下二十多度就不怎么出热了，外机还老结霜，老百姓屋里冷。
零下25度能效比2.0以上
heat-pump-evi:2 ground-source:1 inverter-cooling:0w greenhouse-pcm:0f

D catalyst-dead catalysis
加氢装置催化剂用不到一年就不行了
我们的柴油加氢装置催化剂设计用三年，现在不到一年硫含量就压不住，床层压降也上去了，换一次剂上千万。
运行周期延长到两年以上
hydro-coke:2 alumina-carrier:1 three-way:0w paraffin-refine:0f

D wastewater-cod environmental-protection
化工污水COD降不下来，生化池处理不动
我们是精细化工厂，污水生化处理以后COD还在120左右，加药也降不下去，园区要求50以下才能接管。
出水COD稳定低于50
ozone-catalytic:2 sludge-incinerate:0f mbr-municipal:1 pcb-wastewater:0f biofilter-odor:0f produced-water:0f

D odor-complain environmental-protection
厂子周边居民老投诉臭味
我们是饲料和发酵企业，生产时有一股味道，刮风时附近小区居民天天打电话投诉，环保局已经来了两次。
厂界臭味达标，投诉清零
biofilter-odor:2 flavor:0w paint-voc:1 ferment-feed:0f sludge-dewater:0f

D pipe-scale fine-chemicals
换热器管子结垢，隔段时间就得停车清洗
循环水系统的换热器和管道结垢很厉害，换热效果越来越差，每半年停车酸洗一次，损失不小。
清洗周期延长到两年
scale-inhibitor:2 boiler-water:1 pipe-weld-robot:0p steel-pickling:0w

D plastic-yellow chemical-materials
塑料件放在外面一段时间就发黄变脆
我们做户外用的塑料桶和护栏，晒几个月就发黄，一碰就裂，客户说质量不行。
户外使用三年不变色不开裂
hals:2 masterbatch:0p pla-modify:0m injection-warp:0f led-decay:0w

D slag-pile coal-chemicals
气化炉渣堆成山没地方放
我们煤化工厂每年产几十万吨炉渣，里面还有不少没烧完的炭，渣场快满了，拉去填埋费用太高。
炉渣全部消纳，残炭回收利用
gasification-slag:2 gangue-power:0f fgd-gypsum:1 coking:0f sludge-incinerate:0f

D solvent-loss synthesis-separation
溶剂挥发损耗大，买溶剂花钱多
我们制药中间体生产用大量乙酸乙酯和异丙醇，蒸完带水回收不了，只能当废液处理，一年买溶剂上千万。
溶剂回收率90%以上，可回用
pervaporation:2 solvent-paint:0w paint-voc:0f scfe:0f

D cob-waste grain-chemicals
玉米芯堆着卖不上价，想深加工
我们合作社每年收玉米剩下几万吨玉米芯，只能低价卖去烧锅炉，想找个能上附加值的加工项目。
吨玉米芯增值两倍以上
corncob-xylitol:2 gangue-power:0f corn-starch:0p straw-pellet:1

D mine-gas coal
井下瓦斯老超限，采煤工作面停产
我们矿的煤层硬、透气性差，打了很多钻孔也抽不出多少瓦斯，工作面一采就超限断电，产量上不去。
工作面瓦斯浓度稳定在0.8%以下
gas-drainage:2 coal-bed-gas:0w gangue-power:0f gas-leak-acoustic:0w

D oil-wax petroleum
油井结蜡，隔几天就得热洗
我们采油厂的油井结蜡严重，抽油杆卡死，几天就得热洗一次，又费钱又影响产量。
热洗周期延长到两个月以上
wax-microbe:2 paraffin-refine:0w produced-water:0f scale-inhibitor:0f

D injection-clog petroleum
回注水把地层堵了，注不进去
油田采出来的水处理后回注，注水井压力越来越高，注不进去，化验说水里油和杂质都超标。
回注水含油和悬浮物都低于5毫克每升
produced-water:2 wax-microbe:0f mbr-municipal:0f scale-inhibitor:1 sludge-dewater:0f

D sludge-wet environmental-protection
污水厂污泥太多，压完还是一滩烂泥
我们污水处理厂每天出泥两百吨，带式压滤机压完含水还有八成，运去焚烧厂人家嫌水多不收。
污泥含水率降到60%以下
sludge-dewater:2 sludge-incinerate:1 mbr-municipal:0f fgd-gypsum:0f

D schedule-late networked-manufacturing
车间排产全靠调度员脑子，交期老拖
我们是做非标零件的，订单多、品种杂，哪个活先干全靠调度员凭经验排，插单一多就乱，交期经常拖。
按时交货率提高到95%
aps:2 erp-finance:0f trace:0f cms-cloud:0f

D quality-trace networked-manufacturing
出了质量问题查不到是哪批料哪个班做的
客户投诉一个零件有问题，我们翻纸质记录翻了三天也查不清是哪批原料、哪台设备、谁干的，只能整批召回。
质量问题两小时内追到批次和工位
trace:2 vision-defect:0f erp-finance:0f aps:0f

D manual-inspect networked-manufacturing
靠人眼挑瓶子瑕疵，漏检多人也招不到
我们的玻璃瓶生产线靠十几个工人盯着看瓶身有没有气泡、黑点，一天下来眼睛都花了，漏检投诉不断。
漏检率低于0.1%，减少检验工
vision-defect:2 glass-furnace:0p cast-xray:0f pv-crack:0f

D gas-leak natural-gas
燃气管网老化漏气，找不到漏点
我们城市燃气公司的老管网埋在地下二三十年了，经常闻到气味却找不到哪里漏，只能大面积开挖。
漏点定位误差1米以内
gas-leak-acoustic:2 coal-bed-gas:0f pipe-weld-robot:0f hydraulic-seal:0w
"""
