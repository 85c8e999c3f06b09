// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// ChannelRegistryMetaData contains all meta data concerning the ChannelRegistry contract.
var ChannelRegistryMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"name\":\"BadSettleTimeout\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidPartner\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"channel\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"participant1\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"participant2\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"settleTimeout\",\"type\":\"uint64\"}],\"name\":\"ChannelOpened\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_SETTLE_TIMEOUT\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MIN_SETTLE_TIMEOUT\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isChannel\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"partner\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"settleTimeout\",\"type\":\"uint64\"}],\"name\":\"openChannel\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"channel\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x6080604052348015600e575f5ffd5b50611cd78061001c5f395ff3fe608060405234801561000f575f5ffd5b506004361061004a575f3560e01c80630dc90fc11461004e57806330b7596c146100855780639b3170b9146100b0578063af30e5ea146100d1575b5f5ffd5b61007061005c366004610242565b5f6020819052908152604090205460ff1681565b60405190151581526020015b60405180910390f35b610098610093366004610262565b6100db565b6040516001600160a01b03909116815260200161007c565b6100b8600581565b60405167ffffffffffffffff909116815260200161007c565b6100b8620f424081565b5f6001600160a01b03831615806100fa57506001600160a01b03831633145b156101185760405163a9d533f760e01b815260040160405180910390fd5b600567ffffffffffffffff8316108061013d5750620f424067ffffffffffffffff8316115b1561015b5760405163137e487360e21b815260040160405180910390fd5b33838360405161016a9061021a565b6001600160a01b03938416815292909116602083015267ffffffffffffffff166040820152606001604051809103905ff0801580156101ab573d5f5f3e3d5ffd5b506001600160a01b038181165f8181526020818152604091829020805460ff19166001179055905167ffffffffffffffff871681529394509186169233927f5870eb53952f34917b23d853ee3d77fbc7ad4bb9a75647fdb1fbbbcf44842ff3910160405180910390a492915050565b611a27806102a483390190565b80356001600160a01b038116811461023d575f5ffd5b919050565b5f60208284031215610252575f5ffd5b61025b82610227565b9392505050565b5f5f60408385031215610273575f5ffd5b61027c83610227565b9150602083013567ffffffffffffffff81168114610298575f5ffd5b80915050925092905056fe610140604052348015610010575f5ffd5b50604051611a27380380611a2783398101604081905261002f91610127565b336080526001600160a01b0383811660a052821660c0526001600160401b03811660e05246610100526100ff604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f4321961d7f1e8c41d9c061cc0ce4b0c3a8ab4caf6c8c5ffd4638fbf4798964bc918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b6101205250610177915050565b80516001600160a01b0381168114610122575f5ffd5b919050565b5f5f5f60608486031215610139575f5ffd5b6101428461010c565b92506101506020850161010c565b60408501519092506001600160401b038116811461016c575f5ffd5b809150509250925092565b60805160a05160c05160e051610100516101205161180e6102195f395f610f0401525f610edc01525f818161029501528181610517015261074401525f81816103d1015281816105aa01528181610a3401528181610c7101528181610de101526114cd01525f818161042f0152818161057901528181610a0001528181610c3d01528181610dad0152818161146e01526114a701525f61024a015261180e5ff3fe608060405260043610610147575f3560e01c8063a0928518116100b3578063e1a4bdb51161006d578063e1a4bdb5146103f3578063e702701f1461041e578063eb3381f914610451578063f698da251461047c578063f7b2a7be14610490578063fc7e286d146104a5575f5ffd5b8063a09285181461032f578063c19d93fb14610343578063cbe68d1414610368578063ce513b6f1461038d578063d0e30db0146103b8578063dc45111c146103c0575f5ffd5b80635ec2dc8d116101045780635ec2dc8d1461021c57806364203918146102245780637b103999146102395780637ebdc478146102845780637ecebe00146102cf5780639ef27b001461030c575f5ffd5b806311da60b41461014b57806318dc5e671461016157806339f896911461019f5780633ccfd60b146101be5780635b00ffcc146101d25780635e1fc56e146101fd575b5f5ffd5b348015610156575f5ffd5b5061015f6104d0565b005b34801561016c575f5ffd5b5061018c61017b36600461158f565b60026020525f908152604090205481565b6040519081526020015b60405180910390f35b3480156101aa575f5ffd5b5061015f6101b9366004611609565b6106fd565b3480156101c9575f5ffd5b5061015f610943565b3480156101dd575f5ffd5b5061018c6101ec36600461158f565b60056020525f908152604090205481565b348015610208575f5ffd5b5061015f6102173660046116bb565b6109f5565b61015f610c32565b34801561022f575f5ffd5b5061018c61753081565b348015610244575f5ffd5b5061026c7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610196565b34801561028f575f5ffd5b506102b77f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160401b039091168152602001610196565b3480156102da575f5ffd5b506102b76102e936600461158f565b6001600160a01b03165f908152600360205260409020546001600160401b031690565b348015610317575f5ffd5b505f546102b79061010090046001600160401b031681565b34801561033a575f5ffd5b5061026c610d75565b34801561034e575f5ffd5b505f5461035b9060ff1681565b604051610196919061173a565b348015610373575f5ffd5b505f5461026c90600160481b90046001600160a01b031681565b348015610398575f5ffd5b5061018c6103a736600461158f565b60086020525f908152604090205481565b61015f610da2565b3480156103cb575f5ffd5b5061026c7f000000000000000000000000000000000000000000000000000000000000000081565b3480156103fe575f5ffd5b5061018c61040d36600461158f565b60066020525f908152604090205481565b348015610429575f5ffd5b5061026c7f000000000000000000000000000000000000000000000000000000000000000081565b34801561045c575f5ffd5b5061018c61046b36600461158f565b60046020525f908152604090205481565b348015610487575f5ffd5b5061018c610ed9565b34801561049b575f5ffd5b5061018c60075481565b3480156104b0575f5ffd5b5061018c6104bf36600461158f565b60016020525f908152604090205481565b6001805f5460ff1660028111156104e9576104e9611726565b1461050757604051636f20b45d60e11b815260040160405180910390fd5b5f54610544906001600160401b037f0000000000000000000000000000000000000000000000000000000000000000811691610100900416611774565b43116105635760405163a4229fab60e01b815260040160405180910390fd5b5f805460ff191660021781556001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000818116835260016020526040808420547f0000000000000000000000000000000000000000000000000000000000000000938416855290842054919390916105e09083611774565b6001600160a01b038086165f908152600460205260408082205492871682528120549293509161061291859185610fd2565b90505f61061f8284611787565b90505f61062a610d75565b90505f5f5f61063a8a8a86611043565b604080518a8152602081018a905293965091945092507f451550b1eb0b6c47d2b17fd468da5fbec02ab2d51de3d4331b1171f8b9c4ae83910160405180910390a182156106c557836001600160a01b03167fe2403640ba68fed3a2f88b7557551d1993f84b99bb10ff833f0cf8db0c5e0486846040516106bc91815260200190565b60405180910390a25b6106d88a6106d38489611774565b6110d9565b6106e6896106d38388611774565b6106f084846110d9565b5050505050505050505050565b6001805f5460ff16600281111561071657610716611726565b1461073457604051636f20b45d60e11b815260040160405180910390fd5b5f54610771906001600160401b037f0000000000000000000000000000000000000000000000000000000000000000811691610100900416611774565b43111561079157604051632f23cfcd60e01b815260040160405180910390fd5b6001600160a01b0382166107b857604051635788801b60e11b815260040160405180910390fd5b5f8054600160481b90046001600160a01b031680825260036020526040909120546001600160401b03908116908d161161080557604051630d8d01cf60e41b815260040160405180910390fd5b806001600160a01b031661082561081e8e8e8e8e611162565b8a8a61121a565b6001600160a01b03161461084c57604051638baa579f60e01b815260040160405180910390fd5b5f6108728d8d8d8d8d8d60405161086492919061179a565b60405180910390208a6113a2565b905061087d8261146b565b6001600160a01b031661089182898961121a565b6001600160a01b0316146108b857604051638baa579f60e01b815260040160405180910390fd5b6108c6828e8e8e8e896114f3565b60078590556001600160a01b0384166108de8361146b565b6001600160a01b03167fb3bb46b3c02ce38ab4ed3f1114816973b9e92efcb0684fdedecc27064171b3298f8860405161092c9291906001600160401b03929092168252602082015260400190565b60405180910390a350505050505050505050505050565b335f908152600860205260408120549081900361097357604051630686827b60e51b815260040160405180910390fd5b335f818152600860205260408120819055908180808086855af19150816109ad57604051631d42c86760e21b815260040160405180910390fd5b806001600160a01b03167f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5846040516109e891815260200190565b60405180910390a2505050565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610a575750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610a755760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610a8d57610a8d611726565b14610aab57604051636f20b45d60e11b815260040160405180910390fd5b5f610ab53361146b565b90505f839003610b0c576001600160401b038816151580610ad557508615155b80610adf57508515155b80610ae957508415155b15610b0757604051632ad0f0b760e11b815260040160405180910390fd5b610b90565b876001600160401b03165f03610b3557604051630d8d01cf60e41b815260040160405180910390fd5b5f610b4289898989611162565b9050816001600160a01b0316610b5982878761121a565b6001600160a01b031614610b8057604051638baa579f60e01b815260040160405180910390fd5b610b8e828a8a8a8a5f6114f3565b505b5f8054600160481b339081027fffffff0000000000000000000000000000000000000000ffffffffffffffffff6001600160401b034381811661010002929092166001600160e81b0319909516949094179190911760011790935560408051928c1683526020830193909352917f8d5beb0be06d1c18c37377192106c4a4bd38cca229bcfe7b89594436db3f842c910160405180910390a25050505050505050565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610c945750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610cb25760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610cca57610cca611726565b14610ce857604051636f20b45d60e11b815260040160405180910390fd5b345f03610d0857604051637c946ed760e01b815260040160405180910390fd5b335f90815260026020526040812054610d22903490611774565b335f818152600260205260409081902083905551919250907f7dbc080e4530c8bcf265eb5c9a35ae096ca1eb607b7e802b96581ef4c5e1a70390610d699084815260200190565b60405180910390a25050565b5f80546001600160a01b03600160481b909104811682526003602052604090912054600160401b90041690565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610e045750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610e225760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610e3a57610e3a611726565b14610e5857604051636f20b45d60e11b815260040160405180910390fd5b345f03610e7857604051637c946ed760e01b815260040160405180910390fd5b335f90815260016020526040812054610e92903490611774565b335f818152600160205260409081902083905551919250907f2da466a7b24304f47e87fa2e1e5a81b9831ce54fec19055ce277ca2f39ba42c490610d699084815260200190565b5f7f00000000000000000000000000000000000000000000000000000000000000004603610f2657507f000000000000000000000000000000000000000000000000000000000000000090565b610fcd604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f4321961d7f1e8c41d9c061cc0ce4b0c3a8ab4caf6c8c5ffd4638fbf4798964bc918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b905090565b5f838310611011575f610fe58585611787565b9050610ff18684611787565b811015611007576110028187611774565b611009565b825b91505061103b565b5f61101c8486611787565b905085811015611035576110308187611787565b611037565b5f5b9150505b949350505050565b6001600160a01b038084165f908152600260205260408082205485841683529082205491929091908416611079575f92506110d0565b6007545f549093506001600160a01b03808816600160481b90920416036110b757808311156110a6578092505b6110b08382611787565b90506110d0565b818311156110c3578192505b6110cd8383611787565b91505b93509350939050565b805f036110e4575050565b5f5f5f5f5f8587617530f190508061115d576001600160a01b0383165f908152600860205260408120805484929061111d908490611774565b90915550506040518281526001600160a01b038416907f8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e906020016109e8565b505050565b604080517f2011f0d78347c78c96987ce0680d5bd8cb5c607b2701f137ff858a4938c6c12760208201526001600160401b03861691810191909152606081018490526080810183905260a081018290525f90819060c0016040516020818303038152906040528051906020012090506111d9610ed9565b60405161190160f01b602082015260228101919091526042810182905260620160405160208183030381529060405280519060200120915050949350505050565b5f6041821461123c57604051632ad0f0b760e11b815260040160405180910390fd5b5f61124a60208285876117a9565b611253916117d0565b90505f6112646040602086886117a9565b61126d916117d0565b90505f85856040818110611283576112836117ed565b919091013560f81c915050601b81148015906112a357508060ff16601c14155b156112c157604051632ad0f0b760e11b815260040160405180910390fd5b8215806112cc575081155b806112f657507f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a082115b1561131457604051632ad0f0b760e11b815260040160405180910390fd5b604080515f81526020810180835289905260ff831691810191909152606081018490526080810183905260019060a0016020604051602081039080840390855afa158015611364573d5f5f3e3d5ffd5b5050604051601f1901519450506001600160a01b03841661139857604051638baa579f60e01b815260040160405180910390fd5b5050509392505050565b604080517f3230f351455f4c67a1ffbbccac70e5c23084a33c82b54293409e830076bfa20460208201526001600160401b03881691810191909152606081018690526080810185905260a0810184905260c0810183905260e081018290525f90819061010001604051602081830303815290604052805190602001209050611428610ed9565b60405161190160f01b6020820152602281019190915260428101829052606201604051602081830303815290604052805190602001209150509695505050505050565b5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316826001600160a01b0316146114cb577f00000000000000000000000000000000000000000000000000000000000000006114ed565b7f00000000000000000000000000000000000000000000000000000000000000005b92915050565b6040805180820182526001600160401b0396871681526001600160a01b0392831660208083019182529884165f90815260038a52838120925183549251909516600160401b026001600160e01b0319909216949098169390931792909217909155600486528085209390935560058552828420919091556006909352902055565b80356001600160a01b038116811461158a575f5ffd5b919050565b5f6020828403121561159f575f5ffd5b6115a882611574565b9392505050565b80356001600160401b038116811461158a575f5ffd5b5f5f83601f8401126115d5575f5ffd5b5081356001600160401b038111156115eb575f5ffd5b602083019150836020828501011115611602575f5ffd5b9250929050565b5f5f5f5f5f5f5f5f5f5f6101008b8d031215611623575f5ffd5b61162c8b6115af565b995060208b0135985060408b0135975060608b0135965060808b01356001600160401b0381111561165b575f5ffd5b6116678d828e016115c5565b90975095505060a08b01356001600160401b03811115611685575f5ffd5b6116918d828e016115c5565b90955093505060c08b013591506116aa60e08c01611574565b90509295989b9194979a5092959850565b5f5f5f5f5f5f60a087890312156116d0575f5ffd5b6116d9876115af565b955060208701359450604087013593506060870135925060808701356001600160401b03811115611708575f5ffd5b61171489828a016115c5565b979a9699509497509295939492505050565b634e487b7160e01b5f52602160045260245ffd5b602081016003831061175a57634e487b7160e01b5f52602160045260245ffd5b91905290565b634e487b7160e01b5f52601160045260245ffd5b808201808211156114ed576114ed611760565b818103818111156114ed576114ed611760565b818382375f9101908152919050565b5f5f858511156117b7575f5ffd5b838611156117c3575f5ffd5b5050820193919092039150565b803560208310156114ed575f19602084900360031b1b1692915050565b634e487b7160e01b5f52603260045260245ffdfea164736f6c634300081c000aa164736f6c634300081c000a",
}

// ChannelRegistryABI is the input ABI used to generate the binding from.
// Deprecated: Use ChannelRegistryMetaData.ABI instead.
var ChannelRegistryABI = ChannelRegistryMetaData.ABI

// ChannelRegistryBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use ChannelRegistryMetaData.Bin instead.
var ChannelRegistryBin = ChannelRegistryMetaData.Bin

// DeployChannelRegistry deploys a new Ethereum contract, binding an instance of ChannelRegistry to it.
func DeployChannelRegistry(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *ChannelRegistry, error) {
	parsed, err := ChannelRegistryMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(ChannelRegistryBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &ChannelRegistry{ChannelRegistryCaller: ChannelRegistryCaller{contract: contract}, ChannelRegistryTransactor: ChannelRegistryTransactor{contract: contract}, ChannelRegistryFilterer: ChannelRegistryFilterer{contract: contract}}, nil
}

// ChannelRegistry is an auto generated Go binding around an Ethereum contract.
type ChannelRegistry struct {
	ChannelRegistryCaller     // Read-only binding to the contract
	ChannelRegistryTransactor // Write-only binding to the contract
	ChannelRegistryFilterer   // Log filterer for contract events
}

// ChannelRegistryCaller is an auto generated read-only Go binding around an Ethereum contract.
type ChannelRegistryCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ChannelRegistryTransactor is an auto generated write-only Go binding around an Ethereum contract.
type ChannelRegistryTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ChannelRegistryFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type ChannelRegistryFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ChannelRegistrySession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type ChannelRegistrySession struct {
	Contract     *ChannelRegistry  // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// ChannelRegistryCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type ChannelRegistryCallerSession struct {
	Contract *ChannelRegistryCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts          // Call options to use throughout this session
}

// ChannelRegistryTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type ChannelRegistryTransactorSession struct {
	Contract     *ChannelRegistryTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts          // Transaction auth options to use throughout this session
}

// ChannelRegistryRaw is an auto generated low-level Go binding around an Ethereum contract.
type ChannelRegistryRaw struct {
	Contract *ChannelRegistry // Generic contract binding to access the raw methods on
}

// ChannelRegistryCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type ChannelRegistryCallerRaw struct {
	Contract *ChannelRegistryCaller // Generic read-only contract binding to access the raw methods on
}

// ChannelRegistryTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type ChannelRegistryTransactorRaw struct {
	Contract *ChannelRegistryTransactor // Generic write-only contract binding to access the raw methods on
}

// NewChannelRegistry creates a new instance of ChannelRegistry, bound to a specific deployed contract.
func NewChannelRegistry(address common.Address, backend bind.ContractBackend) (*ChannelRegistry, error) {
	contract, err := bindChannelRegistry(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &ChannelRegistry{ChannelRegistryCaller: ChannelRegistryCaller{contract: contract}, ChannelRegistryTransactor: ChannelRegistryTransactor{contract: contract}, ChannelRegistryFilterer: ChannelRegistryFilterer{contract: contract}}, nil
}

// NewChannelRegistryCaller creates a new read-only instance of ChannelRegistry, bound to a specific deployed contract.
func NewChannelRegistryCaller(address common.Address, caller bind.ContractCaller) (*ChannelRegistryCaller, error) {
	contract, err := bindChannelRegistry(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &ChannelRegistryCaller{contract: contract}, nil
}

// NewChannelRegistryTransactor creates a new write-only instance of ChannelRegistry, bound to a specific deployed contract.
func NewChannelRegistryTransactor(address common.Address, transactor bind.ContractTransactor) (*ChannelRegistryTransactor, error) {
	contract, err := bindChannelRegistry(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &ChannelRegistryTransactor{contract: contract}, nil
}

// NewChannelRegistryFilterer creates a new log filterer instance of ChannelRegistry, bound to a specific deployed contract.
func NewChannelRegistryFilterer(address common.Address, filterer bind.ContractFilterer) (*ChannelRegistryFilterer, error) {
	contract, err := bindChannelRegistry(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &ChannelRegistryFilterer{contract: contract}, nil
}

// bindChannelRegistry binds a generic wrapper to an already deployed contract.
func bindChannelRegistry(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := ChannelRegistryMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ChannelRegistry *ChannelRegistryRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ChannelRegistry.Contract.ChannelRegistryCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ChannelRegistry *ChannelRegistryRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ChannelRegistry.Contract.ChannelRegistryTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ChannelRegistry *ChannelRegistryRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ChannelRegistry.Contract.ChannelRegistryTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ChannelRegistry *ChannelRegistryCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ChannelRegistry.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ChannelRegistry *ChannelRegistryTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ChannelRegistry.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ChannelRegistry *ChannelRegistryTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ChannelRegistry.Contract.contract.Transact(opts, method, params...)
}

// MAXSETTLETIMEOUT is a free data retrieval call binding the contract method 0xaf30e5ea.
//
// Solidity: function MAX_SETTLE_TIMEOUT() view returns(uint64)
func (_ChannelRegistry *ChannelRegistryCaller) MAXSETTLETIMEOUT(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _ChannelRegistry.contract.Call(opts, &out, "MAX_SETTLE_TIMEOUT")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// MAXSETTLETIMEOUT is a free data retrieval call binding the contract method 0xaf30e5ea.
//
// Solidity: function MAX_SETTLE_TIMEOUT() view returns(uint64)
func (_ChannelRegistry *ChannelRegistrySession) MAXSETTLETIMEOUT() (uint64, error) {
	return _ChannelRegistry.Contract.MAXSETTLETIMEOUT(&_ChannelRegistry.CallOpts)
}

// MAXSETTLETIMEOUT is a free data retrieval call binding the contract method 0xaf30e5ea.
//
// Solidity: function MAX_SETTLE_TIMEOUT() view returns(uint64)
func (_ChannelRegistry *ChannelRegistryCallerSession) MAXSETTLETIMEOUT() (uint64, error) {
	return _ChannelRegistry.Contract.MAXSETTLETIMEOUT(&_ChannelRegistry.CallOpts)
}

// MINSETTLETIMEOUT is a free data retrieval call binding the contract method 0x9b3170b9.
//
// Solidity: function MIN_SETTLE_TIMEOUT() view returns(uint64)
func (_ChannelRegistry *ChannelRegistryCaller) MINSETTLETIMEOUT(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _ChannelRegistry.contract.Call(opts, &out, "MIN_SETTLE_TIMEOUT")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// MINSETTLETIMEOUT is a free data retrieval call binding the contract method 0x9b3170b9.
//
// Solidity: function MIN_SETTLE_TIMEOUT() view returns(uint64)
func (_ChannelRegistry *ChannelRegistrySession) MINSETTLETIMEOUT() (uint64, error) {
	return _ChannelRegistry.Contract.MINSETTLETIMEOUT(&_ChannelRegistry.CallOpts)
}

// MINSETTLETIMEOUT is a free data retrieval call binding the contract method 0x9b3170b9.
//
// Solidity: function MIN_SETTLE_TIMEOUT() view returns(uint64)
func (_ChannelRegistry *ChannelRegistryCallerSession) MINSETTLETIMEOUT() (uint64, error) {
	return _ChannelRegistry.Contract.MINSETTLETIMEOUT(&_ChannelRegistry.CallOpts)
}

// IsChannel is a free data retrieval call binding the contract method 0x0dc90fc1.
//
// Solidity: function isChannel(address ) view returns(bool)
func (_ChannelRegistry *ChannelRegistryCaller) IsChannel(opts *bind.CallOpts, arg0 common.Address) (bool, error) {
	var out []interface{}
	err := _ChannelRegistry.contract.Call(opts, &out, "isChannel", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsChannel is a free data retrieval call binding the contract method 0x0dc90fc1.
//
// Solidity: function isChannel(address ) view returns(bool)
func (_ChannelRegistry *ChannelRegistrySession) IsChannel(arg0 common.Address) (bool, error) {
	return _ChannelRegistry.Contract.IsChannel(&_ChannelRegistry.CallOpts, arg0)
}

// IsChannel is a free data retrieval call binding the contract method 0x0dc90fc1.
//
// Solidity: function isChannel(address ) view returns(bool)
func (_ChannelRegistry *ChannelRegistryCallerSession) IsChannel(arg0 common.Address) (bool, error) {
	return _ChannelRegistry.Contract.IsChannel(&_ChannelRegistry.CallOpts, arg0)
}

// OpenChannel is a paid mutator transaction binding the contract method 0x30b7596c.
//
// Solidity: function openChannel(address partner, uint64 settleTimeout) returns(address channel)
func (_ChannelRegistry *ChannelRegistryTransactor) OpenChannel(opts *bind.TransactOpts, partner common.Address, settleTimeout uint64) (*types.Transaction, error) {
	return _ChannelRegistry.contract.Transact(opts, "openChannel", partner, settleTimeout)
}

// OpenChannel is a paid mutator transaction binding the contract method 0x30b7596c.
//
// Solidity: function openChannel(address partner, uint64 settleTimeout) returns(address channel)
func (_ChannelRegistry *ChannelRegistrySession) OpenChannel(partner common.Address, settleTimeout uint64) (*types.Transaction, error) {
	return _ChannelRegistry.Contract.OpenChannel(&_ChannelRegistry.TransactOpts, partner, settleTimeout)
}

// OpenChannel is a paid mutator transaction binding the contract method 0x30b7596c.
//
// Solidity: function openChannel(address partner, uint64 settleTimeout) returns(address channel)
func (_ChannelRegistry *ChannelRegistryTransactorSession) OpenChannel(partner common.Address, settleTimeout uint64) (*types.Transaction, error) {
	return _ChannelRegistry.Contract.OpenChannel(&_ChannelRegistry.TransactOpts, partner, settleTimeout)
}

// ChannelRegistryChannelOpenedIterator is returned from FilterChannelOpened and is used to iterate over the raw logs and unpacked data for ChannelOpened events raised by the ChannelRegistry contract.
type ChannelRegistryChannelOpenedIterator struct {
	Event *ChannelRegistryChannelOpened // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *ChannelRegistryChannelOpenedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelRegistryChannelOpened)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(ChannelRegistryChannelOpened)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *ChannelRegistryChannelOpenedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelRegistryChannelOpenedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelRegistryChannelOpened represents a ChannelOpened event raised by the ChannelRegistry contract.
type ChannelRegistryChannelOpened struct {
	Channel       common.Address
	Participant1  common.Address
	Participant2  common.Address
	SettleTimeout uint64
	Raw           types.Log // Blockchain specific contextual infos
}

// FilterChannelOpened is a free log retrieval operation binding the contract event 0x5870eb53952f34917b23d853ee3d77fbc7ad4bb9a75647fdb1fbbbcf44842ff3.
//
// Solidity: event ChannelOpened(address indexed channel, address indexed participant1, address indexed participant2, uint64 settleTimeout)
func (_ChannelRegistry *ChannelRegistryFilterer) FilterChannelOpened(opts *bind.FilterOpts, channel []common.Address, participant1 []common.Address, participant2 []common.Address) (*ChannelRegistryChannelOpenedIterator, error) {

	var channelRule []interface{}
	for _, channelItem := range channel {
		channelRule = append(channelRule, channelItem)
	}
	var participant1Rule []interface{}
	for _, participant1Item := range participant1 {
		participant1Rule = append(participant1Rule, participant1Item)
	}
	var participant2Rule []interface{}
	for _, participant2Item := range participant2 {
		participant2Rule = append(participant2Rule, participant2Item)
	}

	logs, sub, err := _ChannelRegistry.contract.FilterLogs(opts, "ChannelOpened", channelRule, participant1Rule, participant2Rule)
	if err != nil {
		return nil, err
	}
	return &ChannelRegistryChannelOpenedIterator{contract: _ChannelRegistry.contract, event: "ChannelOpened", logs: logs, sub: sub}, nil
}

// WatchChannelOpened is a free log subscription operation binding the contract event 0x5870eb53952f34917b23d853ee3d77fbc7ad4bb9a75647fdb1fbbbcf44842ff3.
//
// Solidity: event ChannelOpened(address indexed channel, address indexed participant1, address indexed participant2, uint64 settleTimeout)
func (_ChannelRegistry *ChannelRegistryFilterer) WatchChannelOpened(opts *bind.WatchOpts, sink chan<- *ChannelRegistryChannelOpened, channel []common.Address, participant1 []common.Address, participant2 []common.Address) (event.Subscription, error) {

	var channelRule []interface{}
	for _, channelItem := range channel {
		channelRule = append(channelRule, channelItem)
	}
	var participant1Rule []interface{}
	for _, participant1Item := range participant1 {
		participant1Rule = append(participant1Rule, participant1Item)
	}
	var participant2Rule []interface{}
	for _, participant2Item := range participant2 {
		participant2Rule = append(participant2Rule, participant2Item)
	}

	logs, sub, err := _ChannelRegistry.contract.WatchLogs(opts, "ChannelOpened", channelRule, participant1Rule, participant2Rule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelRegistryChannelOpened)
				if err := _ChannelRegistry.contract.UnpackLog(event, "ChannelOpened", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseChannelOpened is a log parse operation binding the contract event 0x5870eb53952f34917b23d853ee3d77fbc7ad4bb9a75647fdb1fbbbcf44842ff3.
//
// Solidity: event ChannelOpened(address indexed channel, address indexed participant1, address indexed participant2, uint64 settleTimeout)
func (_ChannelRegistry *ChannelRegistryFilterer) ParseChannelOpened(log types.Log) (*ChannelRegistryChannelOpened, error) {
	event := new(ChannelRegistryChannelOpened)
	if err := _ChannelRegistry.contract.UnpackLog(event, "ChannelOpened", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
