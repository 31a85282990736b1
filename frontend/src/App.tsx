import { BrowserRouter, Navigate, NavLink, Outlet, Route, Routes } from 'react-router';
import { ApiBanner } from './components/ApiBanner';
import { TokenDialog } from './components/TokenDialog';
import { Checkout } from './screens/Checkout';
import { CreateProduct } from './screens/CreateProduct';
import { Orders } from './screens/Orders';
import { Products } from './screens/Products';

function Layout() {
  const link = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' active' : ''}`;
  return (
    <>
      <header className="navbar navbar-dark sticky-top bg-dark flex-md-nowrap p-0 shadow">
        <NavLink className="navbar-brand col-md-3 col-lg-2 me-0 px-3 fs-6" to="/products">
          Shop dashboard
        </NavLink>
        <span className="navbar-text px-3 small">Inventory · Payments</span>
      </header>
      <div className="container-fluid">
        <div className="row">
          <nav className="col-md-3 col-lg-2 d-md-block bg-body-tertiary sidebar" aria-label="Sections">
            <ul className="nav flex-column pt-3">
              <li className="nav-item">
                <NavLink className={link} to="/products">
                  Products
                </NavLink>
              </li>
              <li className="nav-item">
                <NavLink className={link} to="/orders" end>
                  Orders
                </NavLink>
              </li>
              <li className="nav-item">
                <NavLink className={link} to="/orders/history">
                  Order history
                </NavLink>
              </li>
            </ul>
          </nav>
          <main className="col-md-9 ms-sm-auto col-lg-10 px-md-4 pt-3">
            <ApiBanner />
            <Outlet />
          </main>
        </div>
      </div>
      <TokenDialog />
    </>
  );
}

function NotFound() {
  return <h1 className="h2">Page not found</h1>;
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/products" replace />} />
          <Route path="products" element={<Products />} />
          <Route path="products/create" element={<CreateProduct />} />
          <Route path="orders" element={<Checkout />} />
          <Route path="orders/history" element={<Orders />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
