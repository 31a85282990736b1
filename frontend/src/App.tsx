import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Navigate, NavLink, Outlet, Route, Routes } from 'react-router';
import { ApiBanner } from './components/ApiBanner';
import { TokenDialog } from './components/TokenDialog';
import { createQueryClient } from './queries';
import { AllOrders } from './screens/AllOrders';
import { Checkout } from './screens/Checkout';
import { CreateProduct } from './screens/CreateProduct';
import { MyOrders } from './screens/MyOrders';
import { Operations } from './screens/Operations';
import { Products } from './screens/Products';

/** The sidebar: what a customer does, then the back office's (which needs the admin token when the
 * shop has one). */
const SECTIONS = [
  {
    title: 'Shop',
    links: [
      { to: '/orders', label: 'Checkout', end: true },
      { to: '/orders/mine', label: 'My orders' },
    ],
  },
  {
    title: 'Back office',
    links: [
      { to: '/products', label: 'Products' },
      { to: '/orders/all', label: 'All orders' },
      { to: '/operations', label: 'Operations' },
    ],
  },
];

function Layout() {
  const link = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' active' : ''}`;
  return (
    <>
      <header className="navbar navbar-dark sticky-top bg-dark flex-md-nowrap p-0 shadow">
        <NavLink className="navbar-brand col-md-3 col-lg-2 me-0 px-3 fs-6" to="/products">
          Shop dashboard
        </NavLink>
        <span className="navbar-text px-3 small">Inventory · Payments · Operations</span>
      </header>
      <div className="container-fluid">
        <div className="row">
          <nav className="col-md-3 col-lg-2 d-md-block bg-body-tertiary sidebar" aria-label="Sections">
            {SECTIONS.map((section) => (
              <div key={section.title} className="pt-3">
                <h2 className="sidebar-heading px-3 mb-1 text-body-secondary text-uppercase small fw-semibold">{section.title}</h2>
                <ul className="nav flex-column">
                  {section.links.map((l) => (
                    <li className="nav-item" key={l.to}>
                      <NavLink className={link} to={l.to} end={l.end}>
                        {l.label}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
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
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Navigate to="/products" replace />} />
            <Route path="products" element={<Products />} />
            <Route path="products/create" element={<CreateProduct />} />
            <Route path="orders" element={<Checkout />} />
            <Route path="orders/mine" element={<MyOrders />} />
            <Route path="orders/all" element={<AllOrders />} />
            <Route path="operations" element={<Operations />} />
            {/* The list of all orders was "Order history" here before it became the back office's. */}
            <Route path="orders/history" element={<Navigate to="/orders/all" replace />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
