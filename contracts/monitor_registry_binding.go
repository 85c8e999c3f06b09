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

// MonitorRegistryMetaData contains all meta data concerning the MonitorRegistry contract.
var MonitorRegistryMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"minDeposit_\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"activationDelay_\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"withdrawDelay_\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"maxSettleTimeout\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"AlreadyExiting\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"AlreadyRegistered\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"BadParameters\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"DepositTooLow\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotChannel\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotExiting\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotRegistered\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"withdrawableFrom\",\"type\":\"uint64\"}],\"name\":\"WithdrawTooEarly\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"withdrawableFrom\",\"type\":\"uint64\"}],\"name\":\"MonitorExitAnnounced\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"activeFrom\",\"type\":\"uint64\"}],\"name\":\"MonitorRegistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"channel\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"beneficiary\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"remaining\",\"type\":\"uint256\"}],\"name\":\"MonitorSlashed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"MonitorWithdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"activationDelay\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"name\":\"activeAt\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"}],\"name\":\"activePayout\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"announceExit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"channelRegistry\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"}],\"name\":\"isActive\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"minDeposit\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"}],\"name\":\"monitors\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"activeFrom\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"}],\"name\":\"payoutOf\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"}],\"name\":\"register\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"beneficiary\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"slash\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawDelay\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x610100604052348015610010575f5ffd5b50604051610e36380380610e3683398101604081905261002f916100ed565b83158061004357506001600160401b038316155b8061005557506001600160401b038116155b156100735760405163a18a709360e01b815260040160405180910390fd5b6100876001600160401b0382166002610137565b826001600160401b031610156100b05760405163a18a709360e01b815260040160405180910390fd5b503360805260a0929092526001600160401b0390811660c0521660e052610160565b80516001600160401b03811681146100e8575f5ffd5b919050565b5f5f5f5f60808587031215610100575f5ffd5b84519350610110602086016100d2565b925061011e604086016100d2565b915061012c606086016100d2565b905092959194509250565b808202811582820484141761015a57634e487b7160e01b5f52601160045260245ffd5b92915050565b60805160a05160c05160e051610c7a6101bc5f395f818160d4015281816104e00152610b1e01525f81816101fe01526106cc01525f818161024501528181610660015261092101525f818161029901526107f90152610c7a5ff3fe6080604052600436106100bf575f3560e01c806341b3d1851161007c5780636da61d1e116100575780636da61d1e146102d35780639f8a13d71461030d578063e74f82391461032c578063ec2d33f41461034b575f5ffd5b806341b3d185146102345780634420e48614610275578063442ea91914610288575f5ffd5b80630288a39c146100c35780630a2263081461011357806318ff75361461014257806328b58e1a146101585780633a8c0786146101ed5780633ccfd60b14610220575b5f5ffd5b3480156100ce575f5ffd5b506100f67f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160401b0390911681526020015b60405180910390f35b34801561011e575f5ffd5b5061013261012d366004610b86565b61036a565b604051901515815260200161010a565b34801561014d575f5ffd5b506101566103e8565b005b348015610163575f5ffd5b506101b6610172366004610bae565b6001600160a01b039081165f90815260208190526040902080546001820154600290920154909392821692600160a01b9092046001600160401b0390811692911690565b604080519485526001600160a01b0390931660208501526001600160401b039182169284019290925216606082015260800161010a565b3480156101f8575f5ffd5b506100f67f000000000000000000000000000000000000000000000000000000000000000081565b34801561022b575f5ffd5b50610156610466565b34801561023f575f5ffd5b506102677f000000000000000000000000000000000000000000000000000000000000000081565b60405190815260200161010a565b610156610283366004610bae565b61061e565b348015610293575f5ffd5b506102bb7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b03909116815260200161010a565b3480156102de575f5ffd5b506102bb6102ed366004610bae565b6001600160a01b039081165f908152602081905260409020600101541690565b348015610318575f5ffd5b50610132610327366004610bae565b6107d7565b348015610337575f5ffd5b50610267610346366004610bce565b6107e2565b348015610356575f5ffd5b506102bb610365366004610bae565b610a35565b6001600160a01b0382165f908152602081905260408120600181015460028201546001600160401b03600160a01b9092048216911681158015906103b75750816001600160401b03168510155b80156103dc57506001600160401b03811615806103dc5750806001600160401b031685105b93505050505b92915050565b335f90815260208190526040812060018101549091600160a01b9091046001600160401b0316900361042d5760405163aba4733960e01b815260040160405180910390fd5b60028101546001600160401b03161561045957604051636537cc9960e01b815260040160405180910390fd5b6104633382610aca565b50565b335f90815260208190526040812060018101549091600160a01b9091046001600160401b031690036104ab5760405163aba4733960e01b815260040160405180910390fd5b60028101546001600160401b03165f8190036104da57604051633438898160e11b815260040160405180910390fd5b5f6105057f000000000000000000000000000000000000000000000000000000000000000083610c1c565b9050806001600160401b0316431015610540576040516383042abd60e01b81526001600160401b038216600482015260240160405180910390fd5b8254335f818152602081815260408083209283556001830180546001600160e01b03191690556002909201805467ffffffffffffffff1916905590518381527fae0abd171dd9ef95dc667fa698b001606c954ecde2e98d82b3d31e618656b528910160405180910390a28015610618576040515f90339083908381818185875af1925050503d805f81146105ef576040519150601f19603f3d011682016040523d82523d5f602084013e6105f4565b606091505b5050905080610616576040516312171d8360e31b815260040160405180910390fd5b505b50505050565b335f90815260208190526040902060010154600160a01b90046001600160401b03161561065e57604051630ea075bf60e21b815260040160405180910390fd5b7f000000000000000000000000000000000000000000000000000000000000000034101561069f57604051632b7786bd60e21b815260040160405180910390fd5b6001600160a01b0381166106c65760405163d92e233d60e01b815260040160405180910390fd5b5f6106f17f000000000000000000000000000000000000000000000000000000000000000043610c1c565b60408051608081018252348082526001600160a01b0380871660208085018281526001600160401b038089168789019081525f606089018181523380835295829052908a902098518955925160018901805492518416600160a01b026001600160e01b031990931691909716171790945551600290950180549590931667ffffffffffffffff19909516949094179091559251939450919290917f38cdaef8d33cd6cb312e4bd562b6a2a1623283b04669341b54e8db28617723b9916107cb919086909182526001600160401b0316602082015260400190565b60405180910390a35050565b5f6103e2824361036a565b604051630dc90fc160e01b81523360048201525f907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690630dc90fc190602401602060405180830381865afa158015610846573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061086a9190610c3b565b610887576040516364849cab60e11b815260040160405180910390fd5b6001600160a01b0383166108ae5760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b0384165f90815260208190526040812060018101549091600160a01b9091046001600160401b031690036108fc5760405163aba4733960e01b815260040160405180910390fd5b805480841061090b578061090d565b835b92505f61091a8483610c5a565b80845590507f000000000000000000000000000000000000000000000000000000000000000081108015610959575060028301546001600160401b0316155b15610968576109688784610aca565b60408051858152602081018390526001600160a01b03808916923392918b16917f86325ec489d52447bc0275a993402563f54f62031a5287e61704049ba497c424910160405180910390a48315610a2b575f866001600160a01b0316856040515f6040518083038185875af1925050503d805f8114610a02576040519150601f19603f3d011682016040523d82523d5f602084013e610a07565b606091505b5050905080610a29576040516312171d8360e31b815260040160405180910390fd5b505b5050509392505050565b6001600160a01b0381165f908152602081905260408120600181015460028201546001600160401b03600160a01b90920482169116811580610a7f5750816001600160401b031643105b80610aa657506001600160401b03811615801590610aa65750806001600160401b03164310155b15610ab557505f949350505050565b5050600101546001600160a01b031692915050565b60028101805467ffffffffffffffff1916436001600160401b038116919091179091556001600160a01b0383167fb834c9cc6338bba26e590074846b15e712d3f042f0b9d3a24fd8267a1f4459b782610b437f000000000000000000000000000000000000000000000000000000000000000082610c1c565b604080516001600160401b0393841681529290911660208301520160405180910390a2505050565b80356001600160a01b0381168114610b81575f5ffd5b919050565b5f5f60408385031215610b97575f5ffd5b610ba083610b6b565b946020939093013593505050565b5f60208284031215610bbe575f5ffd5b610bc782610b6b565b9392505050565b5f5f5f60608486031215610be0575f5ffd5b610be984610b6b565b9250610bf760208501610b6b565b929592945050506040919091013590565b634e487b7160e01b5f52601160045260245ffd5b6001600160401b0381811683821601908111156103e2576103e2610c08565b5f60208284031215610c4b575f5ffd5b81518015158114610bc7575f5ffd5b818103818111156103e2576103e2610c0856fea164736f6c634300081c000a",
}

// MonitorRegistryABI is the input ABI used to generate the binding from.
// Deprecated: Use MonitorRegistryMetaData.ABI instead.
var MonitorRegistryABI = MonitorRegistryMetaData.ABI

// MonitorRegistryBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use MonitorRegistryMetaData.Bin instead.
var MonitorRegistryBin = MonitorRegistryMetaData.Bin

// DeployMonitorRegistry deploys a new Ethereum contract, binding an instance of MonitorRegistry to it.
func DeployMonitorRegistry(auth *bind.TransactOpts, backend bind.ContractBackend, minDeposit_ *big.Int, activationDelay_ uint64, withdrawDelay_ uint64, maxSettleTimeout uint64) (common.Address, *types.Transaction, *MonitorRegistry, error) {
	parsed, err := MonitorRegistryMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(MonitorRegistryBin), backend, minDeposit_, activationDelay_, withdrawDelay_, maxSettleTimeout)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &MonitorRegistry{MonitorRegistryCaller: MonitorRegistryCaller{contract: contract}, MonitorRegistryTransactor: MonitorRegistryTransactor{contract: contract}, MonitorRegistryFilterer: MonitorRegistryFilterer{contract: contract}}, nil
}

// MonitorRegistry is an auto generated Go binding around an Ethereum contract.
type MonitorRegistry struct {
	MonitorRegistryCaller     // Read-only binding to the contract
	MonitorRegistryTransactor // Write-only binding to the contract
	MonitorRegistryFilterer   // Log filterer for contract events
}

// MonitorRegistryCaller is an auto generated read-only Go binding around an Ethereum contract.
type MonitorRegistryCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MonitorRegistryTransactor is an auto generated write-only Go binding around an Ethereum contract.
type MonitorRegistryTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MonitorRegistryFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type MonitorRegistryFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MonitorRegistrySession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type MonitorRegistrySession struct {
	Contract     *MonitorRegistry  // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// MonitorRegistryCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type MonitorRegistryCallerSession struct {
	Contract *MonitorRegistryCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts          // Call options to use throughout this session
}

// MonitorRegistryTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type MonitorRegistryTransactorSession struct {
	Contract     *MonitorRegistryTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts          // Transaction auth options to use throughout this session
}

// MonitorRegistryRaw is an auto generated low-level Go binding around an Ethereum contract.
type MonitorRegistryRaw struct {
	Contract *MonitorRegistry // Generic contract binding to access the raw methods on
}

// MonitorRegistryCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type MonitorRegistryCallerRaw struct {
	Contract *MonitorRegistryCaller // Generic read-only contract binding to access the raw methods on
}

// MonitorRegistryTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type MonitorRegistryTransactorRaw struct {
	Contract *MonitorRegistryTransactor // Generic write-only contract binding to access the raw methods on
}

// NewMonitorRegistry creates a new instance of MonitorRegistry, bound to a specific deployed contract.
func NewMonitorRegistry(address common.Address, backend bind.ContractBackend) (*MonitorRegistry, error) {
	contract, err := bindMonitorRegistry(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistry{MonitorRegistryCaller: MonitorRegistryCaller{contract: contract}, MonitorRegistryTransactor: MonitorRegistryTransactor{contract: contract}, MonitorRegistryFilterer: MonitorRegistryFilterer{contract: contract}}, nil
}

// NewMonitorRegistryCaller creates a new read-only instance of MonitorRegistry, bound to a specific deployed contract.
func NewMonitorRegistryCaller(address common.Address, caller bind.ContractCaller) (*MonitorRegistryCaller, error) {
	contract, err := bindMonitorRegistry(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistryCaller{contract: contract}, nil
}

// NewMonitorRegistryTransactor creates a new write-only instance of MonitorRegistry, bound to a specific deployed contract.
func NewMonitorRegistryTransactor(address common.Address, transactor bind.ContractTransactor) (*MonitorRegistryTransactor, error) {
	contract, err := bindMonitorRegistry(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistryTransactor{contract: contract}, nil
}

// NewMonitorRegistryFilterer creates a new log filterer instance of MonitorRegistry, bound to a specific deployed contract.
func NewMonitorRegistryFilterer(address common.Address, filterer bind.ContractFilterer) (*MonitorRegistryFilterer, error) {
	contract, err := bindMonitorRegistry(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistryFilterer{contract: contract}, nil
}

// bindMonitorRegistry binds a generic wrapper to an already deployed contract.
func bindMonitorRegistry(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := MonitorRegistryMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_MonitorRegistry *MonitorRegistryRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _MonitorRegistry.Contract.MonitorRegistryCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_MonitorRegistry *MonitorRegistryRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.MonitorRegistryTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_MonitorRegistry *MonitorRegistryRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.MonitorRegistryTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_MonitorRegistry *MonitorRegistryCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _MonitorRegistry.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_MonitorRegistry *MonitorRegistryTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_MonitorRegistry *MonitorRegistryTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.contract.Transact(opts, method, params...)
}

// ActivationDelay is a free data retrieval call binding the contract method 0x3a8c0786.
//
// Solidity: function activationDelay() view returns(uint64)
func (_MonitorRegistry *MonitorRegistryCaller) ActivationDelay(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "activationDelay")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// ActivationDelay is a free data retrieval call binding the contract method 0x3a8c0786.
//
// Solidity: function activationDelay() view returns(uint64)
func (_MonitorRegistry *MonitorRegistrySession) ActivationDelay() (uint64, error) {
	return _MonitorRegistry.Contract.ActivationDelay(&_MonitorRegistry.CallOpts)
}

// ActivationDelay is a free data retrieval call binding the contract method 0x3a8c0786.
//
// Solidity: function activationDelay() view returns(uint64)
func (_MonitorRegistry *MonitorRegistryCallerSession) ActivationDelay() (uint64, error) {
	return _MonitorRegistry.Contract.ActivationDelay(&_MonitorRegistry.CallOpts)
}

// ActiveAt is a free data retrieval call binding the contract method 0x0a226308.
//
// Solidity: function activeAt(address monitor, uint256 blockNumber) view returns(bool)
func (_MonitorRegistry *MonitorRegistryCaller) ActiveAt(opts *bind.CallOpts, monitor common.Address, blockNumber *big.Int) (bool, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "activeAt", monitor, blockNumber)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// ActiveAt is a free data retrieval call binding the contract method 0x0a226308.
//
// Solidity: function activeAt(address monitor, uint256 blockNumber) view returns(bool)
func (_MonitorRegistry *MonitorRegistrySession) ActiveAt(monitor common.Address, blockNumber *big.Int) (bool, error) {
	return _MonitorRegistry.Contract.ActiveAt(&_MonitorRegistry.CallOpts, monitor, blockNumber)
}

// ActiveAt is a free data retrieval call binding the contract method 0x0a226308.
//
// Solidity: function activeAt(address monitor, uint256 blockNumber) view returns(bool)
func (_MonitorRegistry *MonitorRegistryCallerSession) ActiveAt(monitor common.Address, blockNumber *big.Int) (bool, error) {
	return _MonitorRegistry.Contract.ActiveAt(&_MonitorRegistry.CallOpts, monitor, blockNumber)
}

// ActivePayout is a free data retrieval call binding the contract method 0xec2d33f4.
//
// Solidity: function activePayout(address monitor) view returns(address)
func (_MonitorRegistry *MonitorRegistryCaller) ActivePayout(opts *bind.CallOpts, monitor common.Address) (common.Address, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "activePayout", monitor)

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// ActivePayout is a free data retrieval call binding the contract method 0xec2d33f4.
//
// Solidity: function activePayout(address monitor) view returns(address)
func (_MonitorRegistry *MonitorRegistrySession) ActivePayout(monitor common.Address) (common.Address, error) {
	return _MonitorRegistry.Contract.ActivePayout(&_MonitorRegistry.CallOpts, monitor)
}

// ActivePayout is a free data retrieval call binding the contract method 0xec2d33f4.
//
// Solidity: function activePayout(address monitor) view returns(address)
func (_MonitorRegistry *MonitorRegistryCallerSession) ActivePayout(monitor common.Address) (common.Address, error) {
	return _MonitorRegistry.Contract.ActivePayout(&_MonitorRegistry.CallOpts, monitor)
}

// ChannelRegistry is a free data retrieval call binding the contract method 0x442ea919.
//
// Solidity: function channelRegistry() view returns(address)
func (_MonitorRegistry *MonitorRegistryCaller) ChannelRegistry(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "channelRegistry")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// ChannelRegistry is a free data retrieval call binding the contract method 0x442ea919.
//
// Solidity: function channelRegistry() view returns(address)
func (_MonitorRegistry *MonitorRegistrySession) ChannelRegistry() (common.Address, error) {
	return _MonitorRegistry.Contract.ChannelRegistry(&_MonitorRegistry.CallOpts)
}

// ChannelRegistry is a free data retrieval call binding the contract method 0x442ea919.
//
// Solidity: function channelRegistry() view returns(address)
func (_MonitorRegistry *MonitorRegistryCallerSession) ChannelRegistry() (common.Address, error) {
	return _MonitorRegistry.Contract.ChannelRegistry(&_MonitorRegistry.CallOpts)
}

// IsActive is a free data retrieval call binding the contract method 0x9f8a13d7.
//
// Solidity: function isActive(address monitor) view returns(bool)
func (_MonitorRegistry *MonitorRegistryCaller) IsActive(opts *bind.CallOpts, monitor common.Address) (bool, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "isActive", monitor)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsActive is a free data retrieval call binding the contract method 0x9f8a13d7.
//
// Solidity: function isActive(address monitor) view returns(bool)
func (_MonitorRegistry *MonitorRegistrySession) IsActive(monitor common.Address) (bool, error) {
	return _MonitorRegistry.Contract.IsActive(&_MonitorRegistry.CallOpts, monitor)
}

// IsActive is a free data retrieval call binding the contract method 0x9f8a13d7.
//
// Solidity: function isActive(address monitor) view returns(bool)
func (_MonitorRegistry *MonitorRegistryCallerSession) IsActive(monitor common.Address) (bool, error) {
	return _MonitorRegistry.Contract.IsActive(&_MonitorRegistry.CallOpts, monitor)
}

// MinDeposit is a free data retrieval call binding the contract method 0x41b3d185.
//
// Solidity: function minDeposit() view returns(uint256)
func (_MonitorRegistry *MonitorRegistryCaller) MinDeposit(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "minDeposit")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// MinDeposit is a free data retrieval call binding the contract method 0x41b3d185.
//
// Solidity: function minDeposit() view returns(uint256)
func (_MonitorRegistry *MonitorRegistrySession) MinDeposit() (*big.Int, error) {
	return _MonitorRegistry.Contract.MinDeposit(&_MonitorRegistry.CallOpts)
}

// MinDeposit is a free data retrieval call binding the contract method 0x41b3d185.
//
// Solidity: function minDeposit() view returns(uint256)
func (_MonitorRegistry *MonitorRegistryCallerSession) MinDeposit() (*big.Int, error) {
	return _MonitorRegistry.Contract.MinDeposit(&_MonitorRegistry.CallOpts)
}

// Monitors is a free data retrieval call binding the contract method 0x28b58e1a.
//
// Solidity: function monitors(address monitor) view returns(uint256 deposit, address payout, uint64 activeFrom, uint64 exitAt)
func (_MonitorRegistry *MonitorRegistryCaller) Monitors(opts *bind.CallOpts, monitor common.Address) (struct {
	Deposit    *big.Int
	Payout     common.Address
	ActiveFrom uint64
	ExitAt     uint64
}, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "monitors", monitor)

	outstruct := new(struct {
		Deposit    *big.Int
		Payout     common.Address
		ActiveFrom uint64
		ExitAt     uint64
	})
	if err != nil {
		return *outstruct, err
	}

	outstruct.Deposit = *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)
	outstruct.Payout = *abi.ConvertType(out[1], new(common.Address)).(*common.Address)
	outstruct.ActiveFrom = *abi.ConvertType(out[2], new(uint64)).(*uint64)
	outstruct.ExitAt = *abi.ConvertType(out[3], new(uint64)).(*uint64)

	return *outstruct, err

}

// Monitors is a free data retrieval call binding the contract method 0x28b58e1a.
//
// Solidity: function monitors(address monitor) view returns(uint256 deposit, address payout, uint64 activeFrom, uint64 exitAt)
func (_MonitorRegistry *MonitorRegistrySession) Monitors(monitor common.Address) (struct {
	Deposit    *big.Int
	Payout     common.Address
	ActiveFrom uint64
	ExitAt     uint64
}, error) {
	return _MonitorRegistry.Contract.Monitors(&_MonitorRegistry.CallOpts, monitor)
}

// Monitors is a free data retrieval call binding the contract method 0x28b58e1a.
//
// Solidity: function monitors(address monitor) view returns(uint256 deposit, address payout, uint64 activeFrom, uint64 exitAt)
func (_MonitorRegistry *MonitorRegistryCallerSession) Monitors(monitor common.Address) (struct {
	Deposit    *big.Int
	Payout     common.Address
	ActiveFrom uint64
	ExitAt     uint64
}, error) {
	return _MonitorRegistry.Contract.Monitors(&_MonitorRegistry.CallOpts, monitor)
}

// PayoutOf is a free data retrieval call binding the contract method 0x6da61d1e.
//
// Solidity: function payoutOf(address monitor) view returns(address)
func (_MonitorRegistry *MonitorRegistryCaller) PayoutOf(opts *bind.CallOpts, monitor common.Address) (common.Address, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "payoutOf", monitor)

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// PayoutOf is a free data retrieval call binding the contract method 0x6da61d1e.
//
// Solidity: function payoutOf(address monitor) view returns(address)
func (_MonitorRegistry *MonitorRegistrySession) PayoutOf(monitor common.Address) (common.Address, error) {
	return _MonitorRegistry.Contract.PayoutOf(&_MonitorRegistry.CallOpts, monitor)
}

// PayoutOf is a free data retrieval call binding the contract method 0x6da61d1e.
//
// Solidity: function payoutOf(address monitor) view returns(address)
func (_MonitorRegistry *MonitorRegistryCallerSession) PayoutOf(monitor common.Address) (common.Address, error) {
	return _MonitorRegistry.Contract.PayoutOf(&_MonitorRegistry.CallOpts, monitor)
}

// WithdrawDelay is a free data retrieval call binding the contract method 0x0288a39c.
//
// Solidity: function withdrawDelay() view returns(uint64)
func (_MonitorRegistry *MonitorRegistryCaller) WithdrawDelay(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _MonitorRegistry.contract.Call(opts, &out, "withdrawDelay")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// WithdrawDelay is a free data retrieval call binding the contract method 0x0288a39c.
//
// Solidity: function withdrawDelay() view returns(uint64)
func (_MonitorRegistry *MonitorRegistrySession) WithdrawDelay() (uint64, error) {
	return _MonitorRegistry.Contract.WithdrawDelay(&_MonitorRegistry.CallOpts)
}

// WithdrawDelay is a free data retrieval call binding the contract method 0x0288a39c.
//
// Solidity: function withdrawDelay() view returns(uint64)
func (_MonitorRegistry *MonitorRegistryCallerSession) WithdrawDelay() (uint64, error) {
	return _MonitorRegistry.Contract.WithdrawDelay(&_MonitorRegistry.CallOpts)
}

// AnnounceExit is a paid mutator transaction binding the contract method 0x18ff7536.
//
// Solidity: function announceExit() returns()
func (_MonitorRegistry *MonitorRegistryTransactor) AnnounceExit(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _MonitorRegistry.contract.Transact(opts, "announceExit")
}

// AnnounceExit is a paid mutator transaction binding the contract method 0x18ff7536.
//
// Solidity: function announceExit() returns()
func (_MonitorRegistry *MonitorRegistrySession) AnnounceExit() (*types.Transaction, error) {
	return _MonitorRegistry.Contract.AnnounceExit(&_MonitorRegistry.TransactOpts)
}

// AnnounceExit is a paid mutator transaction binding the contract method 0x18ff7536.
//
// Solidity: function announceExit() returns()
func (_MonitorRegistry *MonitorRegistryTransactorSession) AnnounceExit() (*types.Transaction, error) {
	return _MonitorRegistry.Contract.AnnounceExit(&_MonitorRegistry.TransactOpts)
}

// Register is a paid mutator transaction binding the contract method 0x4420e486.
//
// Solidity: function register(address payout) payable returns()
func (_MonitorRegistry *MonitorRegistryTransactor) Register(opts *bind.TransactOpts, payout common.Address) (*types.Transaction, error) {
	return _MonitorRegistry.contract.Transact(opts, "register", payout)
}

// Register is a paid mutator transaction binding the contract method 0x4420e486.
//
// Solidity: function register(address payout) payable returns()
func (_MonitorRegistry *MonitorRegistrySession) Register(payout common.Address) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.Register(&_MonitorRegistry.TransactOpts, payout)
}

// Register is a paid mutator transaction binding the contract method 0x4420e486.
//
// Solidity: function register(address payout) payable returns()
func (_MonitorRegistry *MonitorRegistryTransactorSession) Register(payout common.Address) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.Register(&_MonitorRegistry.TransactOpts, payout)
}

// Slash is a paid mutator transaction binding the contract method 0xe74f8239.
//
// Solidity: function slash(address monitor, address beneficiary, uint256 amount) returns(uint256 paid)
func (_MonitorRegistry *MonitorRegistryTransactor) Slash(opts *bind.TransactOpts, monitor common.Address, beneficiary common.Address, amount *big.Int) (*types.Transaction, error) {
	return _MonitorRegistry.contract.Transact(opts, "slash", monitor, beneficiary, amount)
}

// Slash is a paid mutator transaction binding the contract method 0xe74f8239.
//
// Solidity: function slash(address monitor, address beneficiary, uint256 amount) returns(uint256 paid)
func (_MonitorRegistry *MonitorRegistrySession) Slash(monitor common.Address, beneficiary common.Address, amount *big.Int) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.Slash(&_MonitorRegistry.TransactOpts, monitor, beneficiary, amount)
}

// Slash is a paid mutator transaction binding the contract method 0xe74f8239.
//
// Solidity: function slash(address monitor, address beneficiary, uint256 amount) returns(uint256 paid)
func (_MonitorRegistry *MonitorRegistryTransactorSession) Slash(monitor common.Address, beneficiary common.Address, amount *big.Int) (*types.Transaction, error) {
	return _MonitorRegistry.Contract.Slash(&_MonitorRegistry.TransactOpts, monitor, beneficiary, amount)
}

// Withdraw is a paid mutator transaction binding the contract method 0x3ccfd60b.
//
// Solidity: function withdraw() returns()
func (_MonitorRegistry *MonitorRegistryTransactor) Withdraw(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _MonitorRegistry.contract.Transact(opts, "withdraw")
}

// Withdraw is a paid mutator transaction binding the contract method 0x3ccfd60b.
//
// Solidity: function withdraw() returns()
func (_MonitorRegistry *MonitorRegistrySession) Withdraw() (*types.Transaction, error) {
	return _MonitorRegistry.Contract.Withdraw(&_MonitorRegistry.TransactOpts)
}

// Withdraw is a paid mutator transaction binding the contract method 0x3ccfd60b.
//
// Solidity: function withdraw() returns()
func (_MonitorRegistry *MonitorRegistryTransactorSession) Withdraw() (*types.Transaction, error) {
	return _MonitorRegistry.Contract.Withdraw(&_MonitorRegistry.TransactOpts)
}

// MonitorRegistryMonitorExitAnnouncedIterator is returned from FilterMonitorExitAnnounced and is used to iterate over the raw logs and unpacked data for MonitorExitAnnounced events raised by the MonitorRegistry contract.
type MonitorRegistryMonitorExitAnnouncedIterator struct {
	Event *MonitorRegistryMonitorExitAnnounced // Event containing the contract specifics and raw log

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
func (it *MonitorRegistryMonitorExitAnnouncedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(MonitorRegistryMonitorExitAnnounced)
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
		it.Event = new(MonitorRegistryMonitorExitAnnounced)
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
func (it *MonitorRegistryMonitorExitAnnouncedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *MonitorRegistryMonitorExitAnnouncedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// MonitorRegistryMonitorExitAnnounced represents a MonitorExitAnnounced event raised by the MonitorRegistry contract.
type MonitorRegistryMonitorExitAnnounced struct {
	Monitor          common.Address
	ExitAt           uint64
	WithdrawableFrom uint64
	Raw              types.Log // Blockchain specific contextual infos
}

// FilterMonitorExitAnnounced is a free log retrieval operation binding the contract event 0xb834c9cc6338bba26e590074846b15e712d3f042f0b9d3a24fd8267a1f4459b7.
//
// Solidity: event MonitorExitAnnounced(address indexed monitor, uint64 exitAt, uint64 withdrawableFrom)
func (_MonitorRegistry *MonitorRegistryFilterer) FilterMonitorExitAnnounced(opts *bind.FilterOpts, monitor []common.Address) (*MonitorRegistryMonitorExitAnnouncedIterator, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}

	logs, sub, err := _MonitorRegistry.contract.FilterLogs(opts, "MonitorExitAnnounced", monitorRule)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistryMonitorExitAnnouncedIterator{contract: _MonitorRegistry.contract, event: "MonitorExitAnnounced", logs: logs, sub: sub}, nil
}

// WatchMonitorExitAnnounced is a free log subscription operation binding the contract event 0xb834c9cc6338bba26e590074846b15e712d3f042f0b9d3a24fd8267a1f4459b7.
//
// Solidity: event MonitorExitAnnounced(address indexed monitor, uint64 exitAt, uint64 withdrawableFrom)
func (_MonitorRegistry *MonitorRegistryFilterer) WatchMonitorExitAnnounced(opts *bind.WatchOpts, sink chan<- *MonitorRegistryMonitorExitAnnounced, monitor []common.Address) (event.Subscription, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}

	logs, sub, err := _MonitorRegistry.contract.WatchLogs(opts, "MonitorExitAnnounced", monitorRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(MonitorRegistryMonitorExitAnnounced)
				if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorExitAnnounced", log); err != nil {
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

// ParseMonitorExitAnnounced is a log parse operation binding the contract event 0xb834c9cc6338bba26e590074846b15e712d3f042f0b9d3a24fd8267a1f4459b7.
//
// Solidity: event MonitorExitAnnounced(address indexed monitor, uint64 exitAt, uint64 withdrawableFrom)
func (_MonitorRegistry *MonitorRegistryFilterer) ParseMonitorExitAnnounced(log types.Log) (*MonitorRegistryMonitorExitAnnounced, error) {
	event := new(MonitorRegistryMonitorExitAnnounced)
	if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorExitAnnounced", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// MonitorRegistryMonitorRegisteredIterator is returned from FilterMonitorRegistered and is used to iterate over the raw logs and unpacked data for MonitorRegistered events raised by the MonitorRegistry contract.
type MonitorRegistryMonitorRegisteredIterator struct {
	Event *MonitorRegistryMonitorRegistered // Event containing the contract specifics and raw log

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
func (it *MonitorRegistryMonitorRegisteredIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(MonitorRegistryMonitorRegistered)
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
		it.Event = new(MonitorRegistryMonitorRegistered)
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
func (it *MonitorRegistryMonitorRegisteredIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *MonitorRegistryMonitorRegisteredIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// MonitorRegistryMonitorRegistered represents a MonitorRegistered event raised by the MonitorRegistry contract.
type MonitorRegistryMonitorRegistered struct {
	Monitor    common.Address
	Payout     common.Address
	Deposit    *big.Int
	ActiveFrom uint64
	Raw        types.Log // Blockchain specific contextual infos
}

// FilterMonitorRegistered is a free log retrieval operation binding the contract event 0x38cdaef8d33cd6cb312e4bd562b6a2a1623283b04669341b54e8db28617723b9.
//
// Solidity: event MonitorRegistered(address indexed monitor, address indexed payout, uint256 deposit, uint64 activeFrom)
func (_MonitorRegistry *MonitorRegistryFilterer) FilterMonitorRegistered(opts *bind.FilterOpts, monitor []common.Address, payout []common.Address) (*MonitorRegistryMonitorRegisteredIterator, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}
	var payoutRule []interface{}
	for _, payoutItem := range payout {
		payoutRule = append(payoutRule, payoutItem)
	}

	logs, sub, err := _MonitorRegistry.contract.FilterLogs(opts, "MonitorRegistered", monitorRule, payoutRule)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistryMonitorRegisteredIterator{contract: _MonitorRegistry.contract, event: "MonitorRegistered", logs: logs, sub: sub}, nil
}

// WatchMonitorRegistered is a free log subscription operation binding the contract event 0x38cdaef8d33cd6cb312e4bd562b6a2a1623283b04669341b54e8db28617723b9.
//
// Solidity: event MonitorRegistered(address indexed monitor, address indexed payout, uint256 deposit, uint64 activeFrom)
func (_MonitorRegistry *MonitorRegistryFilterer) WatchMonitorRegistered(opts *bind.WatchOpts, sink chan<- *MonitorRegistryMonitorRegistered, monitor []common.Address, payout []common.Address) (event.Subscription, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}
	var payoutRule []interface{}
	for _, payoutItem := range payout {
		payoutRule = append(payoutRule, payoutItem)
	}

	logs, sub, err := _MonitorRegistry.contract.WatchLogs(opts, "MonitorRegistered", monitorRule, payoutRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(MonitorRegistryMonitorRegistered)
				if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorRegistered", log); err != nil {
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

// ParseMonitorRegistered is a log parse operation binding the contract event 0x38cdaef8d33cd6cb312e4bd562b6a2a1623283b04669341b54e8db28617723b9.
//
// Solidity: event MonitorRegistered(address indexed monitor, address indexed payout, uint256 deposit, uint64 activeFrom)
func (_MonitorRegistry *MonitorRegistryFilterer) ParseMonitorRegistered(log types.Log) (*MonitorRegistryMonitorRegistered, error) {
	event := new(MonitorRegistryMonitorRegistered)
	if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorRegistered", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// MonitorRegistryMonitorSlashedIterator is returned from FilterMonitorSlashed and is used to iterate over the raw logs and unpacked data for MonitorSlashed events raised by the MonitorRegistry contract.
type MonitorRegistryMonitorSlashedIterator struct {
	Event *MonitorRegistryMonitorSlashed // Event containing the contract specifics and raw log

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
func (it *MonitorRegistryMonitorSlashedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(MonitorRegistryMonitorSlashed)
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
		it.Event = new(MonitorRegistryMonitorSlashed)
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
func (it *MonitorRegistryMonitorSlashedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *MonitorRegistryMonitorSlashedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// MonitorRegistryMonitorSlashed represents a MonitorSlashed event raised by the MonitorRegistry contract.
type MonitorRegistryMonitorSlashed struct {
	Monitor     common.Address
	Channel     common.Address
	Beneficiary common.Address
	Amount      *big.Int
	Remaining   *big.Int
	Raw         types.Log // Blockchain specific contextual infos
}

// FilterMonitorSlashed is a free log retrieval operation binding the contract event 0x86325ec489d52447bc0275a993402563f54f62031a5287e61704049ba497c424.
//
// Solidity: event MonitorSlashed(address indexed monitor, address indexed channel, address indexed beneficiary, uint256 amount, uint256 remaining)
func (_MonitorRegistry *MonitorRegistryFilterer) FilterMonitorSlashed(opts *bind.FilterOpts, monitor []common.Address, channel []common.Address, beneficiary []common.Address) (*MonitorRegistryMonitorSlashedIterator, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}
	var channelRule []interface{}
	for _, channelItem := range channel {
		channelRule = append(channelRule, channelItem)
	}
	var beneficiaryRule []interface{}
	for _, beneficiaryItem := range beneficiary {
		beneficiaryRule = append(beneficiaryRule, beneficiaryItem)
	}

	logs, sub, err := _MonitorRegistry.contract.FilterLogs(opts, "MonitorSlashed", monitorRule, channelRule, beneficiaryRule)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistryMonitorSlashedIterator{contract: _MonitorRegistry.contract, event: "MonitorSlashed", logs: logs, sub: sub}, nil
}

// WatchMonitorSlashed is a free log subscription operation binding the contract event 0x86325ec489d52447bc0275a993402563f54f62031a5287e61704049ba497c424.
//
// Solidity: event MonitorSlashed(address indexed monitor, address indexed channel, address indexed beneficiary, uint256 amount, uint256 remaining)
func (_MonitorRegistry *MonitorRegistryFilterer) WatchMonitorSlashed(opts *bind.WatchOpts, sink chan<- *MonitorRegistryMonitorSlashed, monitor []common.Address, channel []common.Address, beneficiary []common.Address) (event.Subscription, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}
	var channelRule []interface{}
	for _, channelItem := range channel {
		channelRule = append(channelRule, channelItem)
	}
	var beneficiaryRule []interface{}
	for _, beneficiaryItem := range beneficiary {
		beneficiaryRule = append(beneficiaryRule, beneficiaryItem)
	}

	logs, sub, err := _MonitorRegistry.contract.WatchLogs(opts, "MonitorSlashed", monitorRule, channelRule, beneficiaryRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(MonitorRegistryMonitorSlashed)
				if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorSlashed", log); err != nil {
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

// ParseMonitorSlashed is a log parse operation binding the contract event 0x86325ec489d52447bc0275a993402563f54f62031a5287e61704049ba497c424.
//
// Solidity: event MonitorSlashed(address indexed monitor, address indexed channel, address indexed beneficiary, uint256 amount, uint256 remaining)
func (_MonitorRegistry *MonitorRegistryFilterer) ParseMonitorSlashed(log types.Log) (*MonitorRegistryMonitorSlashed, error) {
	event := new(MonitorRegistryMonitorSlashed)
	if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorSlashed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// MonitorRegistryMonitorWithdrawnIterator is returned from FilterMonitorWithdrawn and is used to iterate over the raw logs and unpacked data for MonitorWithdrawn events raised by the MonitorRegistry contract.
type MonitorRegistryMonitorWithdrawnIterator struct {
	Event *MonitorRegistryMonitorWithdrawn // Event containing the contract specifics and raw log

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
func (it *MonitorRegistryMonitorWithdrawnIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(MonitorRegistryMonitorWithdrawn)
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
		it.Event = new(MonitorRegistryMonitorWithdrawn)
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
func (it *MonitorRegistryMonitorWithdrawnIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *MonitorRegistryMonitorWithdrawnIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// MonitorRegistryMonitorWithdrawn represents a MonitorWithdrawn event raised by the MonitorRegistry contract.
type MonitorRegistryMonitorWithdrawn struct {
	Monitor common.Address
	Amount  *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterMonitorWithdrawn is a free log retrieval operation binding the contract event 0xae0abd171dd9ef95dc667fa698b001606c954ecde2e98d82b3d31e618656b528.
//
// Solidity: event MonitorWithdrawn(address indexed monitor, uint256 amount)
func (_MonitorRegistry *MonitorRegistryFilterer) FilterMonitorWithdrawn(opts *bind.FilterOpts, monitor []common.Address) (*MonitorRegistryMonitorWithdrawnIterator, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}

	logs, sub, err := _MonitorRegistry.contract.FilterLogs(opts, "MonitorWithdrawn", monitorRule)
	if err != nil {
		return nil, err
	}
	return &MonitorRegistryMonitorWithdrawnIterator{contract: _MonitorRegistry.contract, event: "MonitorWithdrawn", logs: logs, sub: sub}, nil
}

// WatchMonitorWithdrawn is a free log subscription operation binding the contract event 0xae0abd171dd9ef95dc667fa698b001606c954ecde2e98d82b3d31e618656b528.
//
// Solidity: event MonitorWithdrawn(address indexed monitor, uint256 amount)
func (_MonitorRegistry *MonitorRegistryFilterer) WatchMonitorWithdrawn(opts *bind.WatchOpts, sink chan<- *MonitorRegistryMonitorWithdrawn, monitor []common.Address) (event.Subscription, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}

	logs, sub, err := _MonitorRegistry.contract.WatchLogs(opts, "MonitorWithdrawn", monitorRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(MonitorRegistryMonitorWithdrawn)
				if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorWithdrawn", log); err != nil {
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

// ParseMonitorWithdrawn is a log parse operation binding the contract event 0xae0abd171dd9ef95dc667fa698b001606c954ecde2e98d82b3d31e618656b528.
//
// Solidity: event MonitorWithdrawn(address indexed monitor, uint256 amount)
func (_MonitorRegistry *MonitorRegistryFilterer) ParseMonitorWithdrawn(log types.Log) (*MonitorRegistryMonitorWithdrawn, error) {
	event := new(MonitorRegistryMonitorWithdrawn)
	if err := _MonitorRegistry.contract.UnpackLog(event, "MonitorWithdrawn", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
